package dev.quarry.pricing;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;

/**
 * How many tokens the same text becomes in one model family compared with another, for what-if
 * repricing: a prompt of 1,000 GPT tokens is about 1,200 Claude tokens. Within a family the ratio
 * is 1. The figures are averages over English prose and code (each family's tokenizer against
 * GPT's o200k); a family not listed counts as GPT's.
 *
 * <pre>
 * family    tokens per 1,000 GPT tokens
 * gpt       1000
 * claude    1200
 * gemini    1050
 * llama     1050
 * mistral   1100
 * nova      1100
 * </pre>
 */
public final class TokenizerRatios {
    private static final Map<String, BigDecimal> PER_GPT_TOKEN = Map.of(
            "gpt", new BigDecimal("1.00"),
            "claude", new BigDecimal("1.20"),
            "gemini", new BigDecimal("1.05"),
            "llama", new BigDecimal("1.05"),
            "mistral", new BigDecimal("1.10"),
            "nova", new BigDecimal("1.10"));

    private TokenizerRatios() {}

    /** Tokens in {@code toFamily} per token in {@code fromFamily} for the same text. */
    public static BigDecimal between(String fromFamily, String toFamily) {
        if (fromFamily.equals(toFamily)) return BigDecimal.ONE;
        return weight(toFamily).divide(weight(fromFamily), MathContext.DECIMAL64);
    }

    private static BigDecimal weight(String family) {
        return PER_GPT_TOKEN.getOrDefault(family, BigDecimal.ONE);
    }
}
