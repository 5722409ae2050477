package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.testing.TestQuarry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Audit query filters hold what a client can send, NUL included, on every store (PostgreSQL refuses a NUL in a query). */
class AuditQueryFilterTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aFilterWithControlCharactersIsAnsweredNotAnInternalError(String target) throws Exception {
        try (TestQuarry quarry = TestQuarry.startOn(target)) {
            for (String filter : new String[] {"principal=%00admin", "action=quarry%3AListPolicies%00", "principal=%E2%80%AEadmin%0A"}) {
                JsonNode reply = quarry.admin("GET", "/admin/audit?" + filter, null).expect(200);
                assertThat(reply.path("events").isArray()).as(filter).isTrue();
                assertThat(reply.path("events")).as(filter).isEmpty();
            }
        }
    }
}
