package dev.quarry.provider.openai.internal;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.provider.wire.UpstreamBody;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Recorded upstream bodies for decoder tests, read without a socket. */
final class RecordedStream {
    static final String PROVIDER = "recorded";

    /** Socket failures become UPSTREAM_UNAVAILABLE, as {@code UpstreamHttp} maps most of them. */
    static final Function<Throwable, QuarryException> UNAVAILABLE =
            e -> new QuarryException(QuarryError.of(ErrorKind.UPSTREAM_UNAVAILABLE, e.toString()), e);

    private RecordedStream() {}

    static UpstreamBody of(String body) {
        return of(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), UNAVAILABLE);
    }

    static UpstreamBody of(InputStream body, Function<Throwable, QuarryException> transportFailure) {
        return new UpstreamBody(PROVIDER, body, body, transportFailure);
    }

    /** SSE {@code data:} events, one per line given, as Chat Completions sends them. */
    static String data(String... lines) {
        StringBuilder out = new StringBuilder();
        for (String line : lines) out.append("data: ").append(line).append("\n\n");
        return out.toString();
    }

    static List<StreamEvent> drain(EventStream stream) {
        List<StreamEvent> events = new ArrayList<>();
        try (stream) {
            stream.forEachRemaining(events::add);
        }
        return events;
    }
}
