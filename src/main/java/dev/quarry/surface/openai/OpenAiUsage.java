package dev.quarry.surface.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.Json;

/**
 * Usage objects in OpenAI's two spellings. OpenAI counts cached tokens inside the prompt count,
 * so the canonical uncached input is added back to the cache reads and writes.
 */
final class OpenAiUsage {
    private OpenAiUsage() {}

    /** Chat Completions: prompt_tokens, completion_tokens, total_tokens and their details. */
    static ObjectNode chat(Usage usage) {
        ObjectNode node = Json.object()
                .put("prompt_tokens", usage.totalInputTokens())
                .put("completion_tokens", usage.outputTokens())
                .put("total_tokens", usage.totalTokens());
        node.putObject("prompt_tokens_details").put("cached_tokens", usage.cacheReadTokens());
        node.putObject("completion_tokens_details").put("reasoning_tokens", 0);
        return node;
    }

    /** Responses: input_tokens, output_tokens, total_tokens and their details (Codex needs all five). */
    static ObjectNode responses(Usage usage) {
        ObjectNode node = Json.object().put("input_tokens", usage.totalInputTokens());
        node.putObject("input_tokens_details").put("cached_tokens", usage.cacheReadTokens());
        node.put("output_tokens", usage.outputTokens());
        node.putObject("output_tokens_details").put("reasoning_tokens", 0);
        node.put("total_tokens", usage.totalTokens());
        return node;
    }
}
