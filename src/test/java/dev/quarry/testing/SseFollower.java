package dev.quarry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Server-Sent Events stream read as a client would, on its own thread: events are taken with a
 * deadline, and closing hangs up mid-stream (what a client that goes away does).
 */
public final class SseFollower implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Event END = new Event(null, null, null);

    /** One event: its {@code id}, {@code event} and {@code data} as JSON. */
    public record Event(String id, String type, JsonNode data) {}

    private final int status;
    private final String errorBody;
    private final InputStream body;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private SseFollower(int status, String errorBody, InputStream body) {
        this.status = status;
        this.errorBody = errorBody;
        this.body = body;
        if (body != null) Thread.ofVirtual().start(this::read);
    }

    /** Opens {@code method path} with {@code headers}; a status other than 200 is kept with its body, and no events. */
    public static SseFollower open(String baseUrl, String method, String path, String key, String requestBody, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + key)
                .header("Accept", "text/event-stream")
                .method(method, requestBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(requestBody));
        if (requestBody != null) request.header("Content-Type", "application/json");
        headers.forEach(request::header);
        try {
            HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                try (InputStream in = response.body()) {
                    return new SseFollower(response.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8), null);
                }
            }
            return new SseFollower(200, null, response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public int status() {
        return status;
    }

    /** The body of a refused stream. */
    public JsonCalls.Reply reply() {
        return new JsonCalls.Reply(status, errorBody == null ? "" : errorBody);
    }

    /** Events up to and including the first that matches {@code last}; fails when none comes within {@code timeout}. */
    public List<Event> until(Predicate<Event> last, Duration timeout) {
        List<Event> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Event event = next(deadline);
            if (event == null) throw new AssertionError("no matching event within " + timeout + "; got " + types(out));
            out.add(event);
            if (last.test(event)) return out;
        }
    }

    /** Events arriving within {@code quiet} of each other: what the stream has, without waiting for more. */
    public List<Event> drain(Duration quiet) {
        List<Event> out = new ArrayList<>();
        while (true) {
            Event event = next(System.nanoTime() + quiet.toNanos());
            if (event == null) return out;
            out.add(event);
        }
    }

    private Event next(long deadline) {
        try {
            Event event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == END) {
                events.add(END);
                return null;
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<String> types(List<Event> events) {
        return events.stream().map(Event::type).toList();
    }

    private void read() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String type = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) events.add(new Event(id, type, JSON.readTree(data.toString())));
                    id = null;
                    type = null;
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    type = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
        } catch (IOException e) {
            // closed by the test, or by the server
        } finally {
            events.add(END);
        }
    }

    /** Hangs up. */
    @Override
    public void close() {
        if (body == null) return;
        try {
            body.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
