package dev.quarry.gateway;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.EmbeddingRequest;

/** What a request asks the platform to do. */
public sealed interface Operation {
    String model();

    String label();

    record Chat(ChatRequest request) implements Operation {
        public String model() {
            return request.model();
        }

        public String label() {
            return "chat";
        }
    }

    record Embed(EmbeddingRequest request) implements Operation {
        public String model() {
            return request.model();
        }

        public String label() {
            return "embed";
        }
    }
}
