package dev.quarry.gateway;

import dev.quarry.catalog.ModelEntry;
import dev.quarry.tokenizer.Tokenizers;

/**
 * Counts a chat's prompt with the routed model's tokenizer: what rate limits, budgets, the context
 * window and settlement use. A fallback model of another family is held to the same count. It runs
 * after authorization, because a real tokenizer costs milliseconds on a long prompt and a caller
 * that may not use the model should not be able to spend them.
 */
final class CountStep implements Step {
    @Override
    public String name() {
        return "count";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        if (!(exchange.operation() instanceof Operation.Chat chat)) return chain.proceed(exchange);
        ModelEntry model = exchange.model();
        return chain.proceed(exchange.withOperation(chat.countedBy(Tokenizers.forModel(model.family(), model.id()))));
    }
}
