package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.QuarryError;
import dev.quarry.gateway.Operation;
import dev.quarry.gateway.Outcome;
import dev.quarry.identity.Credential;
import dev.quarry.surface.WireReply;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How one model endpoint of a surface takes part in {@link ModelCalls#serve}: where its
 * credential is, how its body decodes, how its errors look and how it answers.
 *
 * @param surface    the ledger's name for it, e.g. {@code openai.chat}
 * @param credential finds the credential; gets the (lazily read) body for schemes that sign it
 * @param decode     the surface's decoder, from the parsed JSON body
 * @param operation  what the decoded call asks the gateway to do
 * @param errors     the surface's error encoding
 * @param answer     writes a successful outcome and returns the status sent
 */
record Endpoint<T>(
        String surface,
        BiFunction<ServerRequest, Supplier<byte[]>, Credential> credential,
        Function<ObjectNode, T> decode,
        Function<T, Operation> operation,
        Function<QuarryError, WireReply> errors,
        Answer<T> answer) {

    /** Writes the answer to a decoded call; returns the HTTP status sent. */
    @FunctionalInterface
    interface Answer<T> {
        int send(T call, Outcome outcome, String requestId, ServerResponse res);
    }
}
