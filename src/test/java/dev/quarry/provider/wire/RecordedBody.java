package dev.quarry.provider.wire;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StreamEvent;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Recorded upstream bodies for decoder tests, read without a socket. */
public final class RecordedBody {
    public static final String PROVIDER = "recorded";

    private RecordedBody() {}

    public static UpstreamBody of(String body) {
        return of(body.getBytes(StandardCharsets.UTF_8));
    }

    /** Socket failures become UPSTREAM_UNAVAILABLE, as {@code UpstreamHttp} maps a dropped connection. */
    public static UpstreamBody of(byte[] body) {
        InputStream in = new ByteArrayInputStream(body);
        return new UpstreamBody(PROVIDER, in, in, e -> new QuarryException(QuarryError.of(ErrorKind.UPSTREAM_UNAVAILABLE, e.toString()), e));
    }

    /** SSE events, each {@code event: name} then {@code data:}; a {@code null} name writes a data-only event. */
    public static String sse(String event, String data) {
        return (event == null ? "" : "event: " + event + "\n") + "data: " + data + "\n\n";
    }

    public static List<StreamEvent> drain(EventStream stream) {
        List<StreamEvent> events = new ArrayList<>();
        try (stream) {
            stream.forEachRemaining(events::add);
        }
        return events;
    }
}
