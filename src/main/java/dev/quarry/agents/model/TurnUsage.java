package dev.quarry.agents.model;

/** Tokens a turn or session used, summed over its model calls: what the Agents API reports as {@code usage}. */
public record TurnUsage(long inputTokens, long cachedInputTokens, long outputTokens, long reasoningTokens) {
    public static final TurnUsage NONE = new TurnUsage(0, 0, 0, 0);

    public TurnUsage plus(TurnUsage other) {
        return new TurnUsage(inputTokens + other.inputTokens, cachedInputTokens + other.cachedInputTokens, outputTokens + other.outputTokens,
                reasoningTokens + other.reasoningTokens);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }
}
