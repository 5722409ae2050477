package dev.quarry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain JSON calls with a bearer key, as the admin API's tests make them. */
public final class JsonCalls {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonCalls() {}

    /** A reply: its status and body. */
    public record Reply(int status, String body) {
        /** The body as JSON, after asserting the status (the body is in the failure message). */
        public JsonNode expect(int expected) {
            assertThat(status).as(body).isEqualTo(expected);
            return json();
        }

        /** The body as JSON, an empty object for none. */
        public JsonNode json() {
            try {
                return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError(body, e);
            }
        }
    }

    /** {@code body} may be {@code null} (then none is sent). */
    public static Reply send(String baseUrl, String method, String path, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) request.header("Content-Type", "application/json");
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
