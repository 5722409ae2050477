package dev.quarry.surface;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes Server-Sent Events and flushes after each one, so every event reaches the client as
 * soon as it exists. A client that has gone away surfaces as {@link UncheckedIOException}.
 */
public final class SseWriter {
    private final OutputStream out;

    public SseWriter(OutputStream out) {
        this.out = out;
    }

    /** An event with a name line ({@code event: name}) and one data line. */
    public void event(String name, String data) {
        write("event: " + name + "\ndata: " + data + "\n\n");
    }

    /** An event with an id line ({@code id: id}), which a reconnecting client sends back as {@code Last-Event-ID}. */
    public void event(String id, String name, String data) {
        write("id: " + id + "\nevent: " + name + "\ndata: " + data + "\n\n");
    }

    /** A comment line: keeps an idle connection open through proxies, and finds a client that left. */
    public void comment(String text) {
        write(": " + text + "\n\n");
    }

    /** An unnamed event: just a data line. */
    public void data(String data) {
        write("data: " + data + "\n\n");
    }

    private void write(String frame) {
        try {
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
