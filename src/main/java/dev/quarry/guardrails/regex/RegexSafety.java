package dev.quarry.guardrails.regex;

import dev.quarry.guardrails.regex.RegexNode.Alternation;
import dev.quarry.guardrails.regex.RegexNode.Assertion;
import dev.quarry.guardrails.regex.RegexNode.BackReference;
import dev.quarry.guardrails.regex.RegexNode.Char;
import dev.quarry.guardrails.regex.RegexNode.Group;
import dev.quarry.guardrails.regex.RegexNode.GroupKind;
import dev.quarry.guardrails.regex.RegexNode.Mode;
import dev.quarry.guardrails.regex.RegexNode.Repeat;
import dev.quarry.guardrails.regex.RegexNode.Sequence;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Decides whether a custom regex may run. Java's engine backtracks, so a pattern that can match
 * one text in many ways takes exponential time on a text it almost matches; this check refuses
 * the shapes that do that, and says which part of the pattern is the trouble:
 * <ul>
 * <li>a pattern that is empty, over {@value #MAX_PATTERN_LENGTH} characters, or does not compile;
 * <li>backreferences ({@code \1}, {@code \k<name>});
 * <li>canonical equivalence ({@code (?c)}), which Java turns into hidden alternations, and the
 *     grapheme boundary {@code \b{g}}, on which Java's matcher can throw an index error;
 * <li>a repeat (anything that may repeat more than once: {@code * + {n,} {n,m} {n}} with n > 1)
 *     whose body contains a quantifier that can choose how often to match ({@code (a+)+},
 *     {@code (\w+\s?)*}, {@code (.*a){10}}, {@code a*{2}}) or an alternation ({@code (a|ab)*},
 *     even {@code (a|b)*}: telling disjoint branches from overlapping ones is not worth the
 *     risk when a class {@code [ab]*} says the same, and Java spends a stack frame on each
 *     repetition of an alternation, so a long text overflows the stack even when the branches
 *     are disjoint).
 * </ul>
 * Allowed: fixed counts inside a repeat ({@code (\d{3}-)+}); possessive repeats
 * ({@code (\w+\s?)*+}), which never give back what they matched; a repeated atomic group
 * ({@code (?>\w+\s?)*}); lookarounds inside a repeat, which are atomic. Shapes slow in only a
 * polynomial way ({@code \w{0,40}\w{0,40}\w{0,40}!}) pass; the read budget of {@link CustomRegex}
 * stops those.
 */
public final class RegexSafety {
    /** Bedrock's limit on {@code regexesConfig[].pattern}. */
    public static final int MAX_PATTERN_LENGTH = 500;

    private RegexSafety() {}

    /** Returns normally if {@code pattern} may run as a custom regex; else throws an {@link IllegalArgumentException} that says why. */
    public static void check(String pattern) {
        analyse(pattern);
    }

    /** {@link #check}, handing back the parse for the caller that also estimates match lengths. */
    static RegexNode analyse(String pattern) {
        if (pattern == null || pattern.isEmpty()) throw new IllegalArgumentException("regex pattern is empty");
        if (pattern.length() > MAX_PATTERN_LENGTH) {
            throw new IllegalArgumentException("regex pattern is " + pattern.length() + " characters long; at most "
                    + MAX_PATTERN_LENGTH + " are allowed");
        }
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("regex pattern does not compile: " + e.getDescription() + " at index " + e.getIndex(), e);
        }
        RegexNode root = RegexParser.parse(pattern);
        refuseBacktrackingTraps(root, pattern);
        return root;
    }

    private static void refuseBacktrackingTraps(RegexNode node, String pattern) {
        switch (node) {
            case BackReference b -> throw new IllegalArgumentException("regex pattern uses the backreference " + quote(b, pattern)
                    + ": backreferences are not allowed, because matching one can take exponential time");
            case Repeat r -> {
                if (mayChooseHowToRepeat(r)) {
                    backtrackingInside(r.body()).ifPresent(inner -> {
                        throw refusal(r, inner, pattern);
                    });
                }
                refuseBacktrackingTraps(r.body(), pattern);
            }
            case Group g -> refuseBacktrackingTraps(g.body(), pattern);
            case Sequence s -> s.items().forEach(item -> refuseBacktrackingTraps(item, pattern));
            case Alternation a -> a.branches().forEach(branch -> refuseBacktrackingTraps(branch, pattern));
            case Char _, Assertion _ -> { }
        }
    }

    /** A repeat that may run more than once and can be re-entered to try another split of the text. */
    private static boolean mayChooseHowToRepeat(Repeat r) {
        return r.max() > 1 && r.mode() != Mode.POSSESSIVE && !(r.body() instanceof Group g && g.kind() == GroupKind.ATOMIC);
    }

    /** The first part of a repeat's body that can match its text in more than one way. */
    private static Optional<RegexNode> backtrackingInside(RegexNode node) {
        return switch (node) {
            case Repeat r when r.variable() -> Optional.of(r);
            case Repeat r -> backtrackingInside(r.body());
            case Alternation a -> Optional.of(a);
            case Group g when g.kind() == GroupKind.LOOKAROUND -> Optional.empty();
            case Group g -> backtrackingInside(g.body());
            case Sequence s -> s.items().stream().map(RegexSafety::backtrackingInside).flatMap(Optional::stream).findFirst();
            case Char _, Assertion _, BackReference _ -> Optional.empty();
        };
    }

    private static IllegalArgumentException refusal(Repeat outer, RegexNode inner, String pattern) {
        String why = switch (inner) {
            case Alternation _ -> " around the alternation " + quote(inner, pattern) + ": an alternation inside a repeat is not"
                    + " allowed, because branches that can match the same text backtrack exponentially (and Java spends a stack"
                    + " frame on every repetition of one). Use a character class ([ab]* rather than (a|b)*)";
            default -> " around another quantifier, " + quote(inner, pattern) + ": a repeat of something that can match in"
                    + " several ways backtracks exponentially when a match fails. Repeat a fixed-length body ((\\d{3}-)+)";
        };
        return new IllegalArgumentException("regex pattern repeats " + quote(outer, pattern) + why
                + ", make the outer quantifier possessive (*+, ++, {n,m}+) or the repeated group atomic ((?>...)*)");
    }

    private static String quote(RegexNode node, String pattern) {
        return "'" + pattern.substring(node.start(), node.end()) + "' (index " + node.start() + ")";
    }
}
