package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.audit.AuditEvent;
import dev.quarry.audit.AuditQueries;
import dev.quarry.store.Database;
import dev.quarry.store.StoredTimes;
import dev.quarry.testing.Eventually;
import dev.quarry.testing.TestQuarry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Report bounds are days or instants of the years 1970 to 9999: anything else is a 400 naming the parameter, audited. */
class ReportDateBoundsTest {

    @Test
    void aBoundOutsideTheReportedYearsIsABadRequest() {
        assertThat(StoredTimes.dayOrInstant("1970-01-01")).isEqualTo(Instant.EPOCH);
        assertThat(StoredTimes.dayOrInstant("9999-12-31T23:59:59Z")).isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
        for (String outside : List.of("-999999999-01-01", "1969-12-31", "+10000-01-01", "-999999999-01-01T00:00:00Z", "+1000000000-12-31T23:59:59Z")) {
            assertThatThrownBy(() -> StoredTimes.dayOrInstant(outside)).as(outside).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("outside the years 1970 to 9999");
        }
    }

    @Test
    void theAdminApiAnswers400NamingTheParameterAndAuditsTheCall() throws Exception {
        try (TestQuarry quarry = TestQuarry.start()) {
            for (String path : List.of("/admin/usage/report?by=principal&from=-999999999-01-01&to=2030-01-01",
                    "/admin/experiments/report?from=2020-01-01&to=%2B99999-01-01")) {
                JsonNode error = quarry.admin("GET", path, null).expect(400).path("error");
                assertThat(error.path("param").asText()).as(path).isEqualTo(path.contains("usage") ? "from" : "to");
                assertThat(error.path("message").asText()).contains("outside the years 1970 to 9999");
            }
            assertThat(audited(quarry, "quarry:ReadUsage")).extracting(AuditEvent::decision, AuditEvent::errorCode)
                    .containsExactly("error", "INVALID_REQUEST");
            assertThat(audited(quarry, "quarry:ReadExperiments")).extracting(AuditEvent::decision, AuditEvent::errorCode)
                    .containsExactly("error", "INVALID_REQUEST");
        }
    }

    /** A budget's or a commitment's dates are bounded as the report's are: a 400 naming the field, not a 500. */
    @Test
    void budgetAndCommitmentDatesOutsideTheKeptYearsAreABadRequestNamingTheField() {
        try (TestQuarry quarry = TestQuarry.start()) {
            JsonNode budget = quarry.admin("POST", "/admin/budgets", """
                    {"name": "far", "scope": "organisation", "period": "custom", "start": "-999999999-01-01T00:00:00Z",
                     "end": "2030-01-01T00:00:00Z", "limit_usd": "5"}""").expect(400).path("error");
            assertThat(budget.path("param").asText()).isEqualTo("start");
            assertThat(budget.path("message").asText()).contains("outside the years 1970 to 9999");
            JsonNode commitment = quarry.admin("POST", "/admin/commitments", """
                    {"name": "c1", "amount_usd": 100, "start": "2030-01-01", "end": "+99999-01-01", "discount_rate": 0.1}""")
                    .expect(400).path("error");
            assertThat(commitment.path("param").asText()).isEqualTo("end");
            assertThat(commitment.path("message").asText()).contains("outside the years 1970 to 9999").doesNotContain("usage");
        }
    }

    /** The one audited call of an action, waiting briefly: the trail is written in the background. */
    private static AuditEvent audited(TestQuarry quarry, String action) {
        try (Database db = Database.sqliteIn(quarry.dataDir())) {
            return Eventually.theOne(() -> new AuditQueries(db).find("admin", action, null, null, null, 10));
        }
    }
}
