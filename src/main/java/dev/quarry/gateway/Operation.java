package dev.quarry.gateway;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.EmbeddingRequest;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.canonical.Tokenizer;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.policy.Actions;

/** What a model call asks for: a chat or an embedding, authorized per deployment of its model. */
public sealed interface Operation extends Call {
    String model();

    String label();

    /** Its input's estimated tokens: the prompt, or every text to embed. */
    long promptEstimate();

    /** The most output tokens it may produce on {@code model}: what it asked for, else the model's maximum. */
    long outputAllowance(ModelEntry model);

    /** The most tokens it may use on {@code model}, what rate limits and capacity reserve: prompt plus output allowance. */
    default long reservedTokens(ModelEntry model) {
        return promptEstimate() + outputAllowance(model);
    }

    /**
     * @param streaming      whether the client asked for the answer as a stream (a different action)
     * @param tokenizer      what counted the prompt: the estimate until routing knows the model, then its family's
     * @param promptEstimate the prompt's tokens by {@code tokenizer}, counted once per tokenizer: rate limits, budgets,
     *                       routing and settlement all ask for it
     */
    record Chat(ChatRequest request, boolean streaming, Tokenizer tokenizer, long promptEstimate) implements Operation {
        public Chat(ChatRequest request, boolean streaming) {
            this(request, streaming, Tokenizer.ESTIMATE);
        }

        private Chat(ChatRequest request, boolean streaming, Tokenizer tokenizer) {
            this(request, streaming, tokenizer, TokenEstimate.of(request, tokenizer));
        }

        /** This call with its prompt counted by {@code other}; itself when that is what counted it. */
        public Chat countedBy(Tokenizer other) {
            return other == tokenizer ? this : new Chat(request, streaming, other);
        }

        /** The prompt's size as a context window must hold it: the estimate without its floor for binary documents. */
        public long fitEstimate() {
            return promptEstimate - TokenEstimate.documentFloor(request);
        }

        /** The same call with its answer cut to {@code maxTokens} (a session's spending cap); the prompt and its count are unchanged. */
        public Chat withMaxTokens(int maxTokens) {
            InferenceConfig c = request.config();
            ChatRequest capped = new ChatRequest(request.model(), request.system(), request.messages(), request.tools(), request.toolChoice(),
                    new InferenceConfig(maxTokens, c.temperature(), c.topP(), c.stopSequences()), request.extensions());
            return new Chat(capped, streaming, tokenizer, promptEstimate);
        }

        /** The same call for a changed prompt (a guardrail's rewrite), counted by the same tokenizer. */
        public Chat withRequest(ChatRequest changed) {
            return new Chat(changed, streaming, tokenizer);
        }

        public String model() {
            return request.model();
        }

        public String label() {
            return "chat";
        }

        public String action() {
            return streaming ? Actions.INVOKE_MODEL_STREAM : Actions.INVOKE_MODEL;
        }

        public long outputAllowance(ModelEntry model) {
            Integer asked = request.config().maxTokens();
            return asked == null ? model.maxOutputTokens() : asked;
        }
    }

    /** @param promptEstimate every input's estimated tokens, counted once */
    record Embed(EmbeddingRequest request, long promptEstimate) implements Operation {
        public Embed(EmbeddingRequest request) {
            this(request, request.inputs().stream().mapToLong(TokenEstimate::of).sum());
        }

        public String model() {
            return request.model();
        }

        public String label() {
            return "embed";
        }

        public String action() {
            return Actions.EMBED;
        }

        public long outputAllowance(ModelEntry model) {
            return 0;
        }
    }
}
