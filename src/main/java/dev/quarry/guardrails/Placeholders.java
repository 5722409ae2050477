package dev.quarry.guardrails;

import java.util.HashMap;
import java.util.Map;

/**
 * The placeholders of one request: {@code {EMAIL}}, or numbered ones that give the same value the
 * same number wherever it appears in the request (prompt and answer), so an anonymised
 * conversation still reads: "{EMAIL_1} wrote to {EMAIL_2}; reply to {EMAIL_1}". Not thread-safe:
 * a request's texts are checked on its own thread.
 */
public final class Placeholders {
    private final GuardrailSpec.Placeholders style;
    private final Map<String, Integer> numbers = new HashMap<>();
    private final Map<String, Integer> perType = new HashMap<>();

    public Placeholders(GuardrailSpec.Placeholders style) {
        this.style = style;
    }

    public String of(String type, String value) {
        if (style == GuardrailSpec.Placeholders.TYPE) return "{" + type + "}";
        int n = numbers.computeIfAbsent(type + '\u0000' + value, k -> perType.merge(type, 1, Integer::sum));
        return "{" + type + "_" + n + "}";
    }
}
