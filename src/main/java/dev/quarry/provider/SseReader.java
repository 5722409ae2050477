package dev.quarry.provider;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads Server-Sent Events from an upstream response body, one event per call, as the
 * WHATWG EventSource rules define them: {@code event:} and {@code data:} fields, data lines
 * joined by newlines, comments ({@code :}) and unknown fields ignored, a blank line ends an event.
 */
public final class SseReader implements AutoCloseable {

    /** One event. {@code event} is {@code "message"} when the server named none. */
    public record Event(String event, String data) {}

    private final BufferedReader reader;

    public SseReader(InputStream body) {
        this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The next event, or {@code null} at the end of the body. */
    public Event next() throws IOException {
        String event = null;
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) return new Event(event == null ? "message" : event, data.toString());
                event = null;
                continue;
            }
            if (line.charAt(0) == ':') continue;
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            switch (field) {
                case "event" -> event = value;
                case "data" -> {
                    if (data == null) data = new StringBuilder(value);
                    else data.append('\n').append(value);
                }
                default -> { /* id, retry and unknown fields mean nothing to a one-shot reader */ }
            }
        }
        // A body that ends without the final blank line still delivered its last event.
        return data == null ? null : new Event(event == null ? "message" : event, data.toString());
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
