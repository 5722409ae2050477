package dev.quarry.provider.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.PullingEventStream;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.provider.SseReader;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Base of the OpenAI stream decoders: reads the upstream's Server-Sent Events one at a time, on the
 * caller's thread, and lets the subclass turn each into zero or more canonical events.
 */
abstract class SseEventDecoder extends PullingEventStream {
    protected final String provider;
    private final UpstreamBody upstream;
    private final SseReader reader;
    private final Deque<StreamEvent> pending = new ArrayDeque<>();
    private boolean started;
    private boolean finished;
    private Throwable hangUp;

    SseEventDecoder(UpstreamBody upstream) {
        this.provider = upstream.provider();
        this.upstream = upstream;
        this.reader = new SseReader(upstream.body());
    }

    /** Handles one upstream event; may {@link #emit} events, {@link #finish} the stream, or throw. */
    protected abstract void onEvent(SseReader.Event event);

    /** The body ended before {@link #finish}: emit the last events, or throw if the answer is incomplete. */
    protected abstract void onEnd();

    @Override
    protected final StreamEvent produce() {
        while (pending.isEmpty() && !finished) {
            SseReader.Event event = read();
            if (event == null) {
                finished = true;
                onEnd();
            } else {
                onEvent(event);
            }
        }
        return pending.poll();
    }

    protected final void emit(StreamEvent event) {
        pending.add(event);
    }

    /** Emits the message start once, however many upstream events could carry it. */
    protected final void start(String id, String model) {
        if (started) return;
        started = true;
        emit(new StreamEvent.MessageStart(id == null ? "" : id, model == null ? "" : model));
    }

    /** The answer is complete: nothing after this is read. */
    protected final void finish() {
        finished = true;
    }

    protected final QuarryException endedEarly() {
        return new QuarryException(QuarryError.of(ErrorKind.UPSTREAM_ERROR,
                "The stream from provider '" + provider + "' ended before the answer was complete."), hangUp);
    }

    protected final JsonNode json(String data) {
        return Json.parse(data).filter(JsonNode::isObject).orElseThrow(() -> QuarryException.of(ErrorKind.UPSTREAM_ERROR,
                "Provider '" + provider + "' sent a stream event that is not a JSON object: " + abbreviate(data)));
    }

    private SseReader.Event read() {
        try {
            return reader.next();
        } catch (IOException | RuntimeException e) {
            QuarryException failure = upstream.transportFailure().apply(e);
            if (failure.kind() == ErrorKind.UPSTREAM_TIMEOUT) throw failure;
            // The upstream hung up mid-answer; whether what arrived is a whole answer is the subclass's call.
            hangUp = e;
            return null;
        }
    }

    @Override
    protected final void release() {
        try {
            upstream.connection().close();
        } catch (Exception e) {
            // The answer is over for the caller either way; a failing close only loses a pooled connection.
        }
    }

    private static String abbreviate(String data) {
        return data.length() <= 200 ? data : data.substring(0, 200) + "…";
    }
}
