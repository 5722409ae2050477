package dev.quarry.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.guardrails.GuardrailSpec.Action;
import dev.quarry.guardrails.GuardrailSpec.PiiRule;
import dev.quarry.guardrails.GuardrailSpec.SensitiveInformation;
import dev.quarry.guardrails.detect.Confidence;
import dev.quarry.store.Database;
import dev.quarry.store.StoreVersions;
import dev.quarry.testing.StoreTargets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Drafts, immutable versions and the config file's guardrails in the store, on SQLite and PostgreSQL. */
class GuardrailStoreTest {
    private static GuardrailSpec spec(String name, String... piiTypes) {
        List<PiiRule> pii = java.util.Arrays.stream(piiTypes).map(t -> new PiiRule(t, Action.BLOCK, null, null)).toList();
        return new GuardrailSpec(name, null, new SensitiveInformation(pii, List.of(), null), List.of(), null, Confidence.NONE, "in", "out");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void publishingFreezesTheDraftIntoTheNextVersion(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            GuardrailStore store = new GuardrailStore(db, Clock.systemUTC());
            long before = StoreVersions.read(db, StoreVersions.GUARDRAIL);
            store.create("pii", spec("pii", "EMAIL"));
            assertThat(store.get("pii").latest()).isNull();
            assertThat(store.publish("pii")).isEqualTo(1);
            store.updateDraft("pii", spec("pii", "EMAIL", "CREDIT_DEBIT_CARD_NUMBER"));
            assertThat(store.publish("pii")).isEqualTo(2);
            store.updateDraft("pii", spec("pii"));

            StoredGuardrail g = store.get("pii");
            assertThat(g.version("1")).isEqualTo(spec("pii", "EMAIL"));
            assertThat(g.version("2")).isEqualTo(spec("pii", "EMAIL", "CREDIT_DEBIT_CARD_NUMBER"));
            assertThat(g.version("DRAFT")).isEqualTo(spec("pii"));
            assertThat(g.version("3")).isNull();
            assertThat(StoreVersions.read(db, StoreVersions.GUARDRAIL)).isGreaterThan(before);

            assertThatThrownBy(() -> store.create("pii", spec("other"))).hasMessageContaining("already exists");
            assertThatThrownBy(() -> store.create("other", spec("pii"))).hasMessageContaining("named 'pii' already exists");
            store.delete("pii");
            assertThatThrownBy(() -> store.get("pii"))
                    .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void theConfigFileIsTheSourceOfItsGuardrailsAndEachChangeIsANewVersion(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            GuardrailStore store = new GuardrailStore(db, Clock.systemUTC());
            store.syncFromConfig(Map.of("strict", spec("strict", "EMAIL")));
            store.syncFromConfig(Map.of("strict", spec("strict", "EMAIL")));
            assertThat(store.get("strict").versions()).containsOnlyKeys(1);

            store.syncFromConfig(Map.of("strict", spec("strict", "PHONE")));
            StoredGuardrail g = store.get("strict");
            assertThat(g.versions()).containsOnlyKeys(1, 2);
            assertThat(g.version("1")).isEqualTo(spec("strict", "EMAIL"));
            assertThat(g.version("2")).isEqualTo(spec("strict", "PHONE"));
            assertThat(g.fromConfig()).isTrue();

            assertThatThrownBy(() -> store.updateDraft("strict", spec("strict"))).hasMessageContaining("defined in the config file");
            assertThatThrownBy(() -> store.delete("strict")).hasMessageContaining("defined in the config file");
            store.create("api-made", spec("api-made"));
            assertThatThrownBy(() -> store.syncFromConfig(Map.of("api-made", spec("api-made"))))
                    .hasMessageContaining("created through the admin API");
        }
    }
}
