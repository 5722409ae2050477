package dev.quarry.gateway;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.EmbeddingRequest;
import dev.quarry.policy.Actions;

/** What a request asks the platform to do. */
public sealed interface Operation {
    String model();

    String label();

    /** The policy action this operation is authorized and audited as. */
    String action();

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
    }
}
