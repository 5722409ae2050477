package dev.quarry.provider.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.Usage;

/**
 * Reads Anthropic's usage objects. Anthropic counts input the canonical way (cache reads and cache
 * writes apart from {@code input_tokens}), so the counts map one to one.
 */
final class AnthropicUsage {
    private AnthropicUsage() {}

    /**
     * Counts are cumulative, and each event carries only some of them ({@code message_start} the input,
     * {@code message_delta} the output and, lately, the input again): a count present replaces the one before.
     */
    static Usage merge(Usage soFar, JsonNode usage) {
        return new Usage(
                count(usage, "input_tokens", soFar.inputTokens()),
                count(usage, "output_tokens", soFar.outputTokens()),
                count(usage, "cache_read_input_tokens", soFar.cacheReadTokens()),
                count(usage, "cache_creation_input_tokens", soFar.cacheWriteTokens()));
    }

    private static long count(JsonNode usage, String field, long otherwise) {
        JsonNode value = usage.get(field);
        return value != null && value.isNumber() ? value.asLong() : otherwise;
    }
}
