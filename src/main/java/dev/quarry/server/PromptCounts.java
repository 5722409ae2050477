package dev.quarry.server;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.tokenizer.Tokenizers;

/**
 * What the count-tokens endpoints (Anthropic's count_tokens, Bedrock's CountTokens) answer: the
 * prompt counted by the named model's family's tokenizer, as the gateway's count step counts a
 * call to that model for rate limits and budgets, so that both report the count those use.
 */
final class PromptCounts {
    private PromptCounts() {}

    /** @throws dev.quarry.canonical.QuarryException MODEL_NOT_FOUND when the request names no model of the catalog */
    static long of(Catalog catalog, ChatRequest request) {
        ModelEntry model = ModelListings.require(catalog, request.model());
        return TokenEstimate.of(request, Tokenizers.forModel(model.family(), model.id()));
    }
}
