package dev.quarry.provider.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.PullingEventStream;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StreamEvent;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Base of the stream decoders: reads an upstream's answer one frame at a time (an SSE event, an
 * event-stream message), on the caller's thread, and lets the subclass turn each frame into zero or
 * more canonical events. What every upstream stream shares lives here: the message start sent once,
 * a hang-up told apart from a timeout, and the connection released on close.
 *
 * @param <F> the upstream's frame
 */
public abstract class FrameDecoder<F> extends PullingEventStream {
    protected final String provider;
    private final UpstreamBody upstream;
    private final Deque<StreamEvent> pending = new ArrayDeque<>();
    private boolean started;
    private boolean finished;
    private Throwable hangUp;

    protected FrameDecoder(UpstreamBody upstream) {
        this.provider = upstream.provider();
        this.upstream = upstream;
    }

    /** The next frame of the body, or {@code null} at its end. */
    protected abstract F readFrame() throws IOException;

    /** Handles one frame; may {@link #emit} events, {@link #finish} the stream, or throw. */
    protected abstract void onFrame(F frame);

    /** The body ended before {@link #finish}: emit the last events, or throw if the answer is incomplete. */
    protected abstract void onEnd();

    /**
     * Reads the first event now, so that a failure before it (an error the upstream streams instead
     * of an answer) is thrown while the caller can still fall back to another deployment.
     *
     * @return this stream, ready to be read; on failure it is closed before the exception leaves
     */
    public final EventStream begin() {
        try {
            hasNext();
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    protected final StreamEvent produce() {
        while (pending.isEmpty() && !finished) {
            F frame = read();
            if (frame == null) {
                finished = true;
                onEnd();
            } else {
                onFrame(frame);
            }
        }
        return pending.poll();
    }

    protected final void emit(StreamEvent event) {
        pending.add(event);
    }

    /** Emits the message start once, however many upstream frames could carry it. */
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

    /** Parses a frame's JSON payload; anything but an object is the upstream's fault. */
    protected final JsonNode json(String data) {
        return Json.parse(data).filter(JsonNode::isObject).orElseThrow(() -> notJsonObject(data));
    }

    /** The error for a frame whose payload should have been a JSON object and is not. */
    protected final QuarryException notJsonObject(String data) {
        return QuarryException.of(ErrorKind.UPSTREAM_ERROR,
                "Provider '" + provider + "' sent " + frameName() + " that is not a JSON object: " + Json.excerpt(data));
    }

    /** What a frame is, for error messages. */
    protected String frameName() {
        return "a stream event";
    }

    private F read() {
        try {
            return readFrame();
        } catch (IOException | RuntimeException e) {
            QuarryException failure = upstream.transportFailure().apply(e);
            if (failure.kind() == ErrorKind.UPSTREAM_TIMEOUT) throw failure;
            // The upstream hung up mid-answer; whether what arrived is a whole answer is the subclass's call.
            hangUp = e;
            return null;
        }
    }

    /** Reads what is left of a body through a small buffer: usually a few bytes, where transferTo takes 16 KiB. */
    private static void drain(InputStream body) throws IOException {
        byte[] rest = new byte[256];
        while (body.read(rest) >= 0) {
            // nothing to keep
        }
    }

    @Override
    protected final void release() {
        try {
            // An answer read to its end leaves only the body's closing bytes unread; reading them
            // lets the connection return to the pool instead of being torn down and dialled again
            // for the next call.
            if (finished && hangUp == null) drain(upstream.body());
            upstream.connection().close();
        } catch (Exception e) {
            // The answer is over for the caller either way; a failing close only loses a pooled connection.
        }
    }
}
