package dev.quarry.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.MasterKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import java.sql.ResultSet;
import java.time.Clock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Policies are attached by name, so deleting a principal or group must take its attachments with it. */
class DeletionDetachesPoliciesTest {
    private static final String ALLOW_EMBED = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"quarry:Embed\",\"Resource\":\"*\"}]}";

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aNameUsedAgainStartsWithoutTheOldPolicies(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore identities = new IdentityStore(db, MasterKey.generate());
            PolicyStore policies = new PolicyStore(db, Clock.systemUTC());
            policies.put("Embedding", ALLOW_EMBED);
            identities.ensurePrincipal("temp", PrincipalKind.USER);
            identities.groups().create("crew");
            policies.attach("Embedding", PolicyTarget.principal("temp"));
            policies.attach("Embedding", PolicyTarget.group("crew"));
            policies.setBoundary("temp", "Embedding");
            assertThat(count(db, "policy_attachments WHERE policy_name = 'Embedding'")).isEqualTo(2);

            identities.deletePrincipal("temp");
            identities.groups().delete("crew");

            assertThat(count(db, "policy_attachments WHERE policy_name = 'Embedding'")).isZero();
            assertThat(count(db, "permission_boundaries WHERE principal_name = 'temp'")).isZero();
        }
    }

    private static long count(Database db, String from) {
        return db.read(c -> {
            try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM " + from)) {
                r.next();
                return r.getLong(1);
            }
        });
    }
}
