package dev.quarry.guardrails.regex;

import java.util.List;

/**
 * A parsed pattern, just detailed enough to judge how it backtracks and how long its matches can
 * be. Every node knows where it stands in the pattern, {@code [start, end)}, so that a refusal
 * can quote it.
 */
sealed interface RegexNode {
    int start();

    int end();

    /** One character of a set: a literal, a class, {@code .}, {@code \d}. {@code width} is 2 if it may be a surrogate pair. */
    record Char(int width, int start, int end) implements RegexNode {}

    /** A zero-width test of the characters around: {@code ^ $ \b \B \A \z \Z \G}. */
    record Assertion(int start, int end) implements RegexNode {}

    /** {@code \1} or {@code \k<name>}. */
    record BackReference(int start, int end) implements RegexNode {}

    record Sequence(List<RegexNode> items, int start, int end) implements RegexNode {}

    record Alternation(List<RegexNode> branches, int start, int end) implements RegexNode {}

    record Group(GroupKind kind, RegexNode body, int start, int end) implements RegexNode {}

    /** {@code body} repeated {@code min} to {@code max} times; {@code max} is {@link #UNBOUNDED} for {@code *, +, {n,}}. */
    record Repeat(RegexNode body, int min, int max, Mode mode, int start, int end) implements RegexNode {
        static final int UNBOUNDED = Integer.MAX_VALUE;

        /** Whether the engine may choose how many times to repeat: the source of backtracking. */
        boolean variable() {
            return min != max;
        }
    }

    enum GroupKind {
        /** Capturing or not, and with or without inline flags: the same to the matcher's search. */
        PLAIN,
        /** {@code (?>...)}: once matched, never re-entered to try another way. */
        ATOMIC,
        /** {@code (?=...) (?!...) (?<=...) (?<!...)}: zero-width, and atomic too. */
        LOOKAROUND
    }

    enum Mode { GREEDY, LAZY, POSSESSIVE }
}
