package dev.quarry.guardrails.regex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.guardrails.detect.Detection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CustomRegexTest {

    @Test
    void reportsEveryMatchUnderTheFiltersName() {
        CustomRegex orders = new CustomRegex("order-number", "ORD-\\d{6}");
        String text = "Refund ORD-123456 and ORD-654321, not ORD-12345.";
        assertThat(orders.type()).isEqualTo("order-number");
        assertThat(orders.find(text)).containsExactly(new Detection("order-number", 7, 17), new Detection("order-number", 22, 32));
    }

    @Test
    void emptyMatchesAreNoDetection() {
        assertThat(new CustomRegex("maybe", "x*").find("abxxc")).containsExactly(new Detection("maybe", 2, 4));
    }

    @Test
    void refusalsNameTheFilter() {
        assertThatThrownBy(() -> new CustomRegex("greedy", "(a+)+b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("custom regex 'greedy': regex pattern repeats '(a+)+'");
    }

    @Test
    void namesAreOneTo100Characters() {
        assertThatThrownBy(() -> new CustomRegex(" ", "a")).hasMessage("regex name is empty");
        assertThatThrownBy(() -> new CustomRegex("n".repeat(101), "a")).hasMessage("regex name is 101 characters long; at most 100 are allowed");
        assertThatCode(() -> new CustomRegex("n".repeat(100), "a")).doesNotThrowAnyException();
    }

    /** Exponential or high-polynomial with no nested repeat and no repeated alternation: the static check lets them by. */
    @ParameterizedTest
    @ValueSource(strings = {"(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)"
            + "(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)b",
            "\\w{0,40}\\w{0,40}\\w{0,40}\\w{0,40}!"})
    void aPatternThatSlipsPastTheCheckIsStoppedByTheReadBudget(String pattern) {
        assertThatCode(() -> RegexSafety.check(pattern)).doesNotThrowAnyException();
        CustomRegex slow = new CustomRegex("slow", pattern);
        assertThatThrownBy(() -> slow.find("a".repeat(160))).isInstanceOf(RegexBudgetExceeded.class)
                .hasMessage("custom regex 'slow' gave up on a text of 160 characters: the request's custom regexes used up their"
                        + " budget of 20000000 character reads")
                .extracting(e -> ((RegexBudgetExceeded) e).regexName()).isEqualTo("slow");
    }

    /** The case: a per-character budget let this pattern read a billion times (7 s of CPU) on a 1 MB prompt. */
    @Test
    void theReadsOfAHugeTextAreBoundedByTheRequestsBudgetNotByItsLength() {
        CustomRegex stacked = new CustomRegex("stacked", "\\w{0,40}\\w{0,40}\\w{0,40}\\w{0,40}!");
        ReadBudget budget = new ReadBudget();
        assertThatThrownBy(() -> stacked.find("a".repeat(1_000_000), budget)).isInstanceOf(RegexBudgetExceeded.class);
        assertThat(budget.spent()).isEqualTo(ReadBudget.PER_REQUEST);
    }

    @Test
    void everyTextAndPatternOfARequestDrawsOnTheSameBudget() {
        ReadBudget budget = new ReadBudget();
        CustomRegex order = new CustomRegex("order", "ORD-\\d{6}");
        String text = "Customer wrote about order ORD-000042. ".repeat(1_000);
        assertThat(order.find(text, budget)).hasSize(1_000);
        long once = budget.spent();
        assertThat(new CustomRegex("sentence", "[A-Z][^.]*\\.").find(text, budget)).hasSize(1_000);
        assertThat(budget.spent()).isGreaterThan(once);
        ReadBudget spent = new ReadBudget(once + 10);
        order.find(text, spent);
        assertThatThrownBy(() -> order.find(text, spent)).isInstanceOf(RegexBudgetExceeded.class);
    }

    @Test
    void theBudgetLeavesOrdinaryPatternsOnLongTextsAlone() {
        String text = "Customer wrote about order ORD-000042 and employee E-12345 again; ".repeat(3_000);
        assertThat(new CustomRegex("order", "\\bORD-\\d{6}\\b").find(text)).hasSize(3_000);
        assertThat(new CustomRegex("employee", "\\bE-\\d{5}\\b").find(text)).hasSize(3_000);
        assertThat(new CustomRegex("email-ish", "[\\w.+-]+@[\\w-]+\\.[a-z]{2,}").find(text)).isEmpty();
        assertThat(new CustomRegex("sentence", "[A-Z][^;]*;").find(text)).hasSize(3_000);
    }

    @Test
    void aPatternQuadraticInTheLineLengthRunsOnOrdinaryLinesAndIsStoppedOnHugeOnes() {
        CustomRegex leadingDotStar = new CustomRegex("secret", ".*secret");
        String paragraph = "lorem ipsum dolor sit amet ".repeat(20);
        String longLine = "lorem ipsum dolor sit amet ".repeat(37);
        assertThat(leadingDotStar.find((paragraph + "\n").repeat(20))).isEmpty();
        assertThat(leadingDotStar.find(longLine + "secret")).containsExactly(new Detection("secret", 0, longLine.length() + 6));
        assertThatThrownBy(() -> leadingDotStar.find(longLine.repeat(10))).isInstanceOf(RegexBudgetExceeded.class);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
            "ORD-\\d{6} => 10",
            "[A-Z]{2}\\d{6} => 8",
            "\\bORD-\\d{6}\\b => 12",
            "(?:ab|cde)x => 4",
            "a{2,5} => 5",
            "(?:\\d{3}-){2} => 8",
            "a{2}{3} => 6",
            "x{0}y => 1",
            "(?=abc)a => 4",
            ". => 2",
            "[^a] => 2",
            "[a-z\\x{1F600}] => 2",
            "\\p{L}{3} => 6",
            "(?U)\\w => 2",
            "\\w => 1",
            "\\R => 2",
            "\\Qa.b\\E => 3",
            "\\d+ => 500",
            "(?>ab)* => 500",
            "a{100}{100} => 500"})
    void maxSpanIsTheLongestMatchCappedAt500(String pattern, int maxSpan) {
        assertThat(new CustomRegex("p", pattern).maxSpan()).isEqualTo(maxSpan);
    }
}
