package dev.quarry.guardrails.regex;

/**
 * A custom regex read its text more often than {@link CustomRegex} allows: it backtracks in a way
 * the static check did not catch. The text was not judged; what to do with it (block it, say) is
 * the guardrail's call.
 */
public final class RegexBudgetExceeded extends RuntimeException {
    private final String regexName;

    RegexBudgetExceeded(String regexName, int textLength, long budget) {
        super("custom regex '" + regexName + "' gave up after " + budget + " character reads on a text of " + textLength
                + " characters: the pattern backtracks too much to finish");
        this.regexName = regexName;
    }

    public String regexName() {
        return regexName;
    }
}
