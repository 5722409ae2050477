package dev.quarry.guardrails.regex;

/**
 * The text a matcher reads, charging each read to the request's {@link ReadBudget}: the engine
 * reads through {@code charAt}, so the count is the work it has done, and a runaway match fails
 * with {@link RegexBudgetExceeded} from inside the engine instead of running on. One per match
 * run, so not thread-safe.
 */
final class BudgetedText implements CharSequence {
    private final CharSequence text;
    private final String regexName;
    private final ReadBudget budget;

    BudgetedText(CharSequence text, String regexName, ReadBudget budget) {
        this.text = text;
        this.regexName = regexName;
        this.budget = budget;
    }

    @Override
    public char charAt(int index) {
        budget.read(regexName, text.length());
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    /** Not counted: the engine takes subsequences only to hand out a match it has already found. */
    @Override
    public CharSequence subSequence(int start, int end) {
        return text.subSequence(start, end);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
