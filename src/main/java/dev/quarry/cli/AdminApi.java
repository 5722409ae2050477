package dev.quarry.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.StringJoiner;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The admin API of a running Quarry, called the way any client calls it, so every change a
 * command makes is authorized by policy and audited with the caller's principal. A refusal or
 * failure becomes a {@link CliFailure} carrying the server's own message.
 */
final class AdminApi {
    /** Amounts stay as the server wrote them: 0.10 is not read as a double. */
    static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false).build();
    /** Long enough for {@code ./quarry serve &} to come up before the next line of a script calls it. */
    private static final Duration LOCAL_PATIENCE = Duration.ofSeconds(15);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);
    /** The most of a reply that is not what was expected a message quotes. */
    private static final int MAX_QUOTED = 300;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final URI base;
    private final boolean local;
    private final Supplier<String> credential;
    private String key;
    private boolean reached;

    /** @param credential read after the server first answers (see {@link Connection}) */
    AdminApi(URI base, boolean local, Supplier<String> credential) {
        this.base = base;
        this.local = local;
        this.credential = credential;
    }

    JsonNode get(String path) {
        return json(send("GET", path, null));
    }

    JsonNode post(String path, JsonNode body) {
        return json(send("POST", path, body));
    }

    JsonNode put(String path, JsonNode body) {
        return json(send("PUT", path, body));
    }

    JsonNode delete(String path) {
        return json(send("DELETE", path, null));
    }

    /** A deletion that names what it acts on in its body, as detaching a policy does. */
    JsonNode delete(String path, JsonNode body) {
        return json(send("DELETE", path, body));
    }

    /** A GET whose answer is text to print as it is: a report rendered by the server. */
    String text(String path) {
        return send("GET", path, null);
    }

    /** A path segment or query value, encoded: names may hold any character. */
    static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code path} with a query of {@code name, value} pairs, leaving out those whose value is {@code null}. */
    static String withQuery(String path, String... namesAndValues) {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) query.add(namesAndValues[i] + "=" + encoded(namesAndValues[i + 1]));
        }
        return path + query;
    }

    private String send(String method, String path, JsonNode body) {
        HttpRequest.Builder request = request(method, path, body);
        HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        checked(response.statusCode(), response, response::body);
        return response.body();
    }

    /**
     * A GET answered with Server-Sent Events: their lines as they arrive, until the server ends the
     * stream (close it to leave early). {@code lastEventId}, when given, is sent as {@code Last-Event-ID}.
     */
    Stream<String> eventLines(String path, String lastEventId) {
        HttpRequest.Builder request = request("GET", path, null).header("Accept", "text/event-stream");
        if (lastEventId != null) request.header("Last-Event-ID", lastEventId);
        HttpResponse<Stream<String>> response = exchange(request, HttpResponse.BodyHandlers.ofLines());
        // A refusal's body is one small document: read whole, it carries the server's message.
        checked(response.statusCode(), response, () -> response.body().collect(Collectors.joining("\n")));
        return response.body();
    }

    private HttpRequest.Builder request(String method, String path, JsonNode body) {
        awaitServer();
        if (key == null) key = credential.get();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(CALL_TIMEOUT)
                .header("Authorization", "Bearer " + key)
                .header("User-Agent", "quarry-cli")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) request.header("Content-Type", "application/json");
        return request;
    }

    private <T> HttpResponse<T> exchange(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request.build(), handler);
        } catch (IOException e) {
            throw new CliFailure("The call to Quarry at " + base + " failed: " + oneLine(String.valueOf(e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("Interrupted while calling Quarry at " + base);
        }
    }

    /** Refuses a reply other than a success, with the server's message read from {@code body}. */
    private void checked(int status, HttpResponse<?> response, Supplier<String> body) {
        if (status >= 300 && status < 400) {
            // Never followed (the client's default): following would resend the admin key to wherever the
            // Location points. Nor is it a success: the change was not made, so saying nothing and exiting 0 would lie.
            throw new CliFailure("Quarry at " + base + " answered HTTP " + status + ", a redirect"
                    + response.headers().firstValue("Location").map(to -> " to " + to).orElse("")
                    + ", which is not followed with a key; point --url or QUARRY_URL at the Quarry itself.");
        }
        if (status < 200 || status >= 300) throw new CliFailure(refusal(status, body.get()));
    }

    /**
     * Waits for a server on this machine to listen, saying so once, so that a command run right
     * after {@code quarry serve &} works; a remote server that does not answer is reported at once.
     */
    private void awaitServer() {
        if (reached) return;
        int port = base.getPort() != -1 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
        long deadline = System.nanoTime() + LOCAL_PATIENCE.toNanos();
        boolean said = false;
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(base.getHost(), port), (int) CONNECT_TIMEOUT.toMillis());
                reached = true;
                return;
            } catch (IOException e) {
                if (!local) {
                    throw new CliFailure("Cannot reach Quarry at " + base + " (" + oneLine(String.valueOf(e.getMessage()))
                            + "); point --url or QUARRY_URL at a running Quarry.");
                }
                if (System.nanoTime() > deadline) {
                    throw new CliFailure("No Quarry answered at " + base + " within " + LOCAL_PATIENCE.toSeconds()
                            + " s; start one with 'quarry serve', or point --url or QUARRY_URL at a running Quarry.");
                }
                if (!said) {
                    System.err.println("waiting for Quarry at " + base + "…");
                    said = true;
                }
                pause();
            }
        }
    }

    /** The server's message (OpenAI's error object, the admin API's shape), with the status. */
    private static String refusal(int status, String body) {
        String message = body;
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.path("message").isTextual()) message = error.path("message").textValue();
        } catch (IOException notJson) {
            // A proxy's page or plain text: shown as it came.
        }
        return shortened(oneLine(message.isBlank() ? "no message" : message)) + " (HTTP " + status + ")";
    }

    private static JsonNode json(String body) {
        if (body.isEmpty()) return JSON.createObjectNode();
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new CliFailure("Quarry answered with something other than JSON: " + shortened(oneLine(body)));
        }
    }

    /** A proxy's error page or a stray document is quoted, not dumped: one readable line, not a screenful. */
    private static String shortened(String text) {
        return text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED) + "… (" + text.length() + " characters)";
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("Interrupted while waiting for Quarry");
        }
    }
}
