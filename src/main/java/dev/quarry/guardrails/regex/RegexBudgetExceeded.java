package dev.quarry.guardrails.regex;

/**
 * A custom regex ran out of its request's {@link ReadBudget}: it backtracks in a way the static
 * check did not catch, or the request's texts are too long for its patterns. The text was not
 * judged; what to do with it (block it, say) is the guardrail's call.
 */
public final class RegexBudgetExceeded extends RuntimeException {
    private final String regexName;

    RegexBudgetExceeded(String regexName, int textLength, long budget) {
        super("custom regex '" + regexName + "' gave up on a text of " + textLength + " characters: the request's custom regexes"
                + " used up their budget of " + budget + " character reads");
        this.regexName = regexName;
    }

    public String regexName() {
        return regexName;
    }
}
