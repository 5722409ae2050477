package dev.quarry.canonical;

/**
 * How a model family counts a prompt: the tokens of a piece of text, and what its chat format adds
 * around messages. {@link TokenEstimate#of(ChatRequest, Tokenizer)} walks a request with one.
 * Implementations backed by a real tokenizer live outside canonical (which uses the JDK only);
 * {@link #ESTIMATE} is the tokenizer-free rule every family without one uses.
 */
public interface Tokenizer {
    /** Quarry's tokenizer-free estimate ({@link TokenEstimate#of(CharSequence)}), with four tokens of framing per message. */
    Tokenizer ESTIMATE = new Tokenizer() {
        @Override
        public String name() {
            return "estimate";
        }

        @Override
        public long count(String text) {
            return TokenEstimate.of(text);
        }

        @Override
        public int perMessage() {
            return 4;
        }

        @Override
        public int perReply() {
            return 0;
        }
    };

    /** The encoding's name (such as {@code o200k_base}), or {@code estimate}. */
    String name();

    long count(String text);

    /** Tokens the chat format adds around each message, the system prompt included: role markers and separators. */
    int perMessage();

    /** Tokens that open the model's answer, counted once per request. */
    int perReply();
}
