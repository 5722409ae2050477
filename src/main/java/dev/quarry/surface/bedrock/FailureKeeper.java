package dev.quarry.surface.bedrock;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.surface.Json;
import java.nio.charset.StandardCharsets;

/**
 * Passes a stream through, keeping the error it ended with. A surface encoder that is reused
 * for an InvokeModel stream writes failures in its own format, which loses the error's kind;
 * the kept error lets the stream's exception frame carry the original one.
 */
final class FailureKeeper implements EventStream {
    private final EventStream events;
    private QuarryError failure;

    FailureKeeper(EventStream events) {
        this.events = events;
    }

    @Override
    public boolean hasNext() {
        try {
            return events.hasNext();
        } catch (QuarryException e) {
            failure = e.error();
            throw e;
        }
    }

    @Override
    public StreamEvent next() {
        try {
            return events.next();
        } catch (QuarryException e) {
            failure = e.error();
            throw e;
        }
    }

    @Override
    public void close() {
        events.close();
    }

    /**
     * The stream's own error; or, when the encoder itself refused what the model sent, the one
     * its error object ({@code {"error": {"message": …}}}, as Anthropic and OpenAI both write it) reports.
     */
    QuarryError failureOr(String errorJson) {
        if (failure != null) return failure;
        String message = Json.parseObject(errorJson.getBytes(StandardCharsets.UTF_8)).path("error").path("message").asText();
        return QuarryError.of(ErrorKind.UPSTREAM_ERROR, message);
    }
}
