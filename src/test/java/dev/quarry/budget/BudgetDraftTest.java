package dev.quarry.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.QuarryException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad budgets are refused naming the field at fault. */
class BudgetDraftTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            negative limit        | organisation   | day    |                      |                      | -5      | 50 | limit_usd
            zero limit            | organisation   | day    |                      |                      | 0       | 50 | limit_usd
            absurd limit          | organisation   | day    |                      |                      | 1e30    | 50 | limit_usd
            float-ish limit       | organisation   | day    |                      |                      | ten     | 50 | limit_usd
            sub-micro limit       | organisation   | day    |                      |                      | 0.0000001 | 50 | limit_usd
            unknown scope         | team:search    | day    |                      |                      | 10      | 50 | scope
            tag without value     | tag:team       | day    |                      |                      | 10      | 50 | scope
            unknown period        | organisation   | week   |                      |                      | 10      | 50 | period
            custom without end    | organisation   | custom | 2026-11-01T00:00:00Z |                      | 10      | 50 | start
            custom backwards      | organisation   | custom | 2026-12-01T00:00:00Z | 2026-11-01T00:00:00Z | 10      | 50 | end
            threshold of 100      | organisation   | day    |                      |                      | 10      | 100 | thresholds
            """)
    void isRefusedNamingTheField(String why, String scope, String period, String start, String end, String limit, int threshold, String field) {
        BudgetDraft draft = new BudgetDraft("b", scope, period, start, end, limit, List.of(threshold), null);
        assertThatThrownBy(() -> draft.withId("b"))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.error().param()).isEqualTo(field));
    }
}
