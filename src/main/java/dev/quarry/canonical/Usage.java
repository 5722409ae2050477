package dev.quarry.canonical;

/**
 * Token counts of one model call.
 *
 * <p>{@code inputTokens} counts only the input that was neither read from nor written to a prompt
 * cache (the Anthropic and Bedrock convention), so the whole prompt is
 * {@link #totalInputTokens()}. Surfaces that report cached tokens as part of the input (OpenAI)
 * add them back when they encode.
 */
public record Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens) {
    public static final Usage ZERO = new Usage(0, 0, 0, 0);

    public long totalInputTokens() {
        return inputTokens + cacheReadTokens + cacheWriteTokens;
    }

    public long totalTokens() {
        return totalInputTokens() + outputTokens;
    }
}
