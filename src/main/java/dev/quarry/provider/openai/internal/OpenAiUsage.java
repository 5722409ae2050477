package dev.quarry.provider.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.Usage;

/** Reads OpenAI's usage objects, whose input count includes the cached tokens that canonical usage counts apart. */
final class OpenAiUsage {
    private OpenAiUsage() {}

    /** Chat Completions: {@code prompt_tokens}, {@code prompt_tokens_details.cached_tokens}, {@code completion_tokens}. */
    static Usage ofChat(JsonNode usage) {
        return of(usage.path("prompt_tokens").asLong(), usage.path("prompt_tokens_details").path("cached_tokens").asLong(),
                usage.path("completion_tokens").asLong());
    }

    /** Responses: {@code input_tokens}, {@code input_tokens_details.cached_tokens}, {@code output_tokens}. */
    static Usage ofResponses(JsonNode usage) {
        return of(usage.path("input_tokens").asLong(), usage.path("input_tokens_details").path("cached_tokens").asLong(),
                usage.path("output_tokens").asLong());
    }

    private static Usage of(long input, long cached, long output) {
        return new Usage(Math.max(0, input - cached), output, cached, 0);
    }
}
