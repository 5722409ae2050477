package dev.quarry.guardrails;

import java.util.Objects;

/**
 * One text an input guard reads: where it sits in the request, and what may be done with it.
 *
 * @param path        where it is, e.g. {@code messages[2].content[0]} or {@code tools[1].description}
 * @param userWritten whether a user wrote it: the prompt-attack filter reads only those
 */
public record GuardedText(String path, String text, Kind kind, boolean userWritten) {
    public GuardedText {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(kind, "kind");
    }

    /** How a text may be checked and changed. */
    public enum Kind {
        /**
         * A turn of the conversation or a part of one (system prompt, message text, a tool's
         * result, an earlier tool call's input): read by every policy, anonymised in place, and
         * read together with the texts next to it, so a value split across parts or messages is
         * still seen whole.
         */
        CONVERSATION,
        /**
         * Free text outside the conversation (a tool's description, the OpenAI {@code user} field):
         * read by the pattern policies and the denied-topic filter, anonymised in place. Not read
         * across its neighbours: no model reads it joined to them. No user turn, so the
         * prompt-attack filter does not read it.
         */
        FREE_TEXT,
        /**
         * A value that does something (a name, an id, a URL, a stop sequence, signed reasoning): a
         * placeholder would change what it does, so a find that would be anonymised blocks instead.
         * Read by the pattern policies only; it is no prose.
         */
        FIXED,
        /**
         * A structured value as the JSON a provider is sent (a tool's parameter schema,
         * {@code response_format}, {@code metadata}): {@link #FIXED}, read whole by the pattern
         * policies, and its string values (descriptions, enums, examples) are prose the denied-topic
         * filter reads.
         */
        JSON;

        boolean rewritable() {
            return this == CONVERSATION || this == FREE_TEXT;
        }
    }
}
