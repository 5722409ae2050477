package dev.quarry.tokenizer;

import com.knuddels.jtokkit.api.Encoding;
import dev.quarry.canonical.Tokenizer;

/**
 * One of OpenAI's byte-pair encodings, as jtokkit implements it (the same ranks and split pattern
 * as tiktoken), with the framing OpenAI's cookbook counts for its chat format: three tokens per
 * message ({@code <|start|>}, the role, {@code <|message|>}…{@code <|end|>}) and three that prime
 * the answer. Text is encoded as ordinary text: a special token's spelling in a prompt is counted
 * as the characters it is, as the API treats it.
 */
record BpeTokenizer(Encoding encoding) implements Tokenizer {
    private static final int PER_MESSAGE = 3;
    private static final int PER_REPLY = 3;

    @Override
    public String name() {
        return encoding.getName();
    }

    @Override
    public long count(String text) {
        return encoding.countTokensOrdinary(text);
    }

    @Override
    public int perMessage() {
        return PER_MESSAGE;
    }

    @Override
    public int perReply() {
        return PER_REPLY;
    }
}
