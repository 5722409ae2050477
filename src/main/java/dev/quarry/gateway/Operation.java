package dev.quarry.gateway;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.EmbeddingRequest;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.policy.Actions;

/** What a request asks the platform to do. */
public sealed interface Operation {
    String model();

    String label();

    /** The policy action this operation is authorized and audited as. */
    String action();

    /** Its input's estimated tokens: the prompt, or every text to embed. */
    long promptEstimate();

    /** The most output tokens it may produce on {@code model}: what it asked for, else the model's maximum. */
    long outputAllowance(ModelEntry model);

    /** @param streaming whether the client asked for the answer as a stream (a different action) */
    record Chat(ChatRequest request, boolean streaming) implements Operation {
        public String model() {
            return request.model();
        }

        public String label() {
            return "chat";
        }

        public String action() {
            return streaming ? Actions.INVOKE_MODEL_STREAM : Actions.INVOKE_MODEL;
        }

        public long promptEstimate() {
            return TokenEstimate.of(request);
        }

        public long outputAllowance(ModelEntry model) {
            Integer asked = request.config().maxTokens();
            return asked == null ? model.maxOutputTokens() : asked;
        }
    }

    record Embed(EmbeddingRequest request) implements Operation {
        public String model() {
            return request.model();
        }

        public String label() {
            return "embed";
        }

        public String action() {
            return Actions.EMBED;
        }

        public long promptEstimate() {
            return request.inputs().stream().mapToLong(TokenEstimate::of).sum();
        }

        public long outputAllowance(ModelEntry model) {
            return 0;
        }
    }
}
