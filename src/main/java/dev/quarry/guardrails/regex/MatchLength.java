package dev.quarry.guardrails.regex;

import dev.quarry.guardrails.regex.RegexNode.Alternation;
import dev.quarry.guardrails.regex.RegexNode.Assertion;
import dev.quarry.guardrails.regex.RegexNode.BackReference;
import dev.quarry.guardrails.regex.RegexNode.Char;
import dev.quarry.guardrails.regex.RegexNode.Group;
import dev.quarry.guardrails.regex.RegexNode.Repeat;
import dev.quarry.guardrails.regex.RegexNode.Sequence;

/**
 * An upper bound on how many characters a pattern reads for one match: a sequence adds up, an
 * alternation takes its longest branch, a repeat multiplies by its most repetitions. What a match
 * only looks at counts too, because a stream must have seen it: a lookaround's body, and one
 * character for each anchor or word boundary.
 */
final class MatchLength {
    private MatchLength() {}

    /** The bound, or {@code cap} if it is larger or there is none ({@code *}, {@code +}, {@code {n,}}). */
    static int atMost(RegexNode node, int cap) {
        return (int) bound(node, cap);
    }

    /** Never more than {@code cap}, so that no product or sum can overflow. */
    private static long bound(RegexNode node, long cap) {
        return switch (node) {
            case Char c -> Math.min(c.width(), cap);
            case Assertion _ -> Math.min(1, cap);
            case BackReference _ -> cap;
            case Group g -> bound(g.body(), cap);
            case Sequence s -> s.items().stream().mapToLong(item -> bound(item, cap)).reduce(0, (a, b) -> Math.min(a + b, cap));
            case Alternation a -> a.branches().stream().mapToLong(branch -> bound(branch, cap)).max().orElse(0);
            case Repeat r -> {
                long body = bound(r.body(), cap);
                yield body == 0 ? 0 : r.max() == Repeat.UNBOUNDED ? cap : Math.min(body * r.max(), cap);
            }
        };
    }
}
