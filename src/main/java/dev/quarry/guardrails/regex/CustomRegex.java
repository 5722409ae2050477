package dev.quarry.guardrails.regex;

import dev.quarry.guardrails.detect.Detection;
import dev.quarry.guardrails.detect.PatternDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A custom regex filter, one of Bedrock's {@code regexesConfig}: reports every match of its
 * pattern under the filter's name. The pattern must pass {@link RegexSafety}; matching then draws
 * on the request's {@link ReadBudget}, as a second line of defence, and throws
 * {@link RegexBudgetExceeded} when it runs out. The price is paid by patterns that are quadratic
 * in the length of a line, which the static check admits: a leading {@code .*} is retried from
 * every position, about 1.5 × line² reads a line, so {@code .*secret} runs on a line of up to
 * about 3,600 characters and is stopped beyond. Dropping the {@code .*}, or bounding it as
 * {@code .{0,200}}, makes it linear. (The filter's description and action are the guardrail's
 * business, not the detector's.)
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

    @Override
    public String type() {
        return name;
    }

    /** Matches {@code text} alone, as a request of its own; throws {@link RegexBudgetExceeded} if that exhausts a request's budget. */
    @Override
    public List<Detection> find(CharSequence text) {
        return find(text, new ReadBudget());
    }

    /** Matches {@code text} on what is left of {@code budget}; throws {@link RegexBudgetExceeded} when it runs out. */
    public List<Detection> find(CharSequence text, ReadBudget budget) {
        Matcher matcher = pattern.matcher(new BudgetedText(text, name, budget));
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
