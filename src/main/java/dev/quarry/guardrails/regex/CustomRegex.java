package dev.quarry.guardrails.regex;

import dev.quarry.guardrails.detect.Detection;
import dev.quarry.guardrails.detect.PatternDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A custom regex filter, one of Bedrock's {@code regexesConfig}: reports every match of its
 * pattern under the filter's name. The pattern must pass {@link RegexSafety}; matching then runs
 * on a read budget of 1,000 reads per character of the text plus a million, as a second line of
 * defence, and throws {@link RegexBudgetExceeded} when a text exhausts it. (The filter's description and action are
 * the guardrail's business, not the detector's.)
 */
public final class CustomRegex implements PatternDetector {
    /** Bedrock's limit on {@code regexesConfig[].name}. */
    public static final int MAX_NAME_LENGTH = 100;
    /**
     * The most {@link #maxSpan} can be. A stream holds back this much text at most, so a match of an
     * unbounded pattern ({@code secret: \S+}) that grows longer than this may be missed when it is
     * split across chunks; a whole text is matched in full.
     */
    public static final int MAX_SPAN_CAP = 500;

    private final String name;
    private final Pattern pattern;
    private final int maxSpan;

    /** Throws {@link IllegalArgumentException} if the name is empty or too long or the pattern is refused by {@link RegexSafety}. */
    public CustomRegex(String name, String pattern) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("regex name is empty");
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("regex name is " + name.length() + " characters long; at most " + MAX_NAME_LENGTH
                    + " are allowed");
        }
        RegexNode parsed;
        try {
            parsed = RegexSafety.analyse(pattern);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("custom regex '" + name + "': " + e.getMessage(), e);
        }
        this.name = name;
        this.pattern = Pattern.compile(pattern);
        this.maxSpan = MatchLength.atMost(parsed, MAX_SPAN_CAP);
    }

    /**
     * The reads a match run over {@code length} characters may make: 1,000 per character plus
     * 1,000,000. Measured, ordinary filters read 0.2 to 6 times per character (an order number,
     * an e-mail address, {@code password\s*[:=]\s*\S+}), so they never come near it. Backtracking
     * costs about 10 ns a read, so an exponential pattern, which exhausts the budget within a few
     * dozen characters, is stopped after about 10 ms on a short text, and no text of 100,000
     * characters costs more than about 10⁸ reads, a few hundred milliseconds. The price is paid
     * by patterns that are quadratic in the length of a line, which the static check admits: a
     * leading {@code .*} is retried from every position, about 1.5 × line² reads a line, so
     * {@code .*secret} runs on texts whose lines are under about 650 characters (or on a single
     * line of up to about 1,300) and is stopped beyond. Dropping the {@code .*}, or bounding it as
     * {@code .{0,200}}, makes it linear.
     */
    static long budget(int length) {
        return 1_000L * length + 1_000_000;
    }

    @Override
    public String type() {
        return name;
    }

    /** Throws {@link RegexBudgetExceeded} if the pattern backtracks past the read budget on {@code text}. */
    @Override
    public List<Detection> find(CharSequence text) {
        Matcher matcher = pattern.matcher(new BudgetedText(text, name, budget(text.length())));
        List<Detection> found = new ArrayList<>();
        while (matcher.find()) {
            // A pattern that can match nothing (a*) finds empty matches, which are no detection.
            if (matcher.end() > matcher.start()) found.add(new Detection(name, matcher.start(), matcher.end()));
        }
        return found;
    }

    @Override
    public int maxSpan() {
        return maxSpan;
    }
}
