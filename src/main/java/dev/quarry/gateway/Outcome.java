package dev.quarry.gateway;

import dev.quarry.canonical.EmbeddingResponse;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryError;

/** What the pipeline made of a request: an answer to send, or a refusal to explain. */
public sealed interface Outcome {
    Exchange exchange();

    /** A chat answer, still streaming; whoever receives it must drain or close the stream. */
    record Streamed(Exchange exchange, EventStream stream) implements Outcome {}

    record Embedded(Exchange exchange, EmbeddingResponse response) implements Outcome {}

    /** A platform call done: {@code reply} is its handler's, opaque to the gateway (the surface's wire reply). */
    record Performed(Exchange exchange, Object reply) implements Outcome {}

    record Rejected(Exchange exchange, QuarryError error) implements Outcome {}
}
