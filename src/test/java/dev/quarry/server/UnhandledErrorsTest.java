package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What escapes a route is answered in the error shape of the surface the path belongs to, naming the request id. */
class UnhandledErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static WebServer server;

    @BeforeAll
    static void start() {
        Handler fails = (req, res) -> {
            res.header("X-Request-Id", "req_given");
            throw new IllegalStateException("a bug in an encoder");
        };
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing.error(Throwable.class, new UnhandledErrors())
                        .post("/v1/messages", fails).post("/model/{id}/converse", fails).post("/guardrail/{id}/version/{v}/apply", fails)
                        .get("/v1/passes", (req, res) -> res.next())
                        .post("/v1/chat/completions", fails).get("/v1/models", fails).get("/admin/policies", (req, res) -> {
                            throw new AssertionError("not even an exception");
                        }))
                .build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    /** A route that passes a request on to none after it (as the Anthropic model routes do for other clients): Helidon's 404, as JSON. */
    @Test
    void theHttpLayersOwnVerdictKeepsItsStatusInTheSurfacesShape() throws Exception {
        HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/passes")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(reply.body()).path("error").path("code").asText()).isEqualTo("not_found");
        assertThat(reply.headers().firstValue("X-Request-Id")).as("no route took it, so no call is audited under an id").isEmpty();
    }

    /** The model list is both APIs': an Anthropic SDK (it sends anthropic-version) reads Anthropic's error object there. */
    @Test
    void theSharedModelListAnswersAnAnthropicClientInAnthropicsShape() throws Exception {
        URI models = URI.create("http://127.0.0.1:" + server.port() + "/v1/models");
        HttpResponse<String> anthropic = HTTP.send(HttpRequest.newBuilder(models).header("anthropic-version", "2023-06-01").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> openAi = HTTP.send(HttpRequest.newBuilder(models).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(anthropic.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(anthropic.body()).path("type").asText()).isEqualTo("error");
        assertThat(JSON.readTree(anthropic.body()).path("error").path("type").asText()).isEqualTo("api_error");
        assertThat(JSON.readTree(openAi.body()).path("error").path("code").asText()).isEqualTo("internal_error");
    }

    @ParameterizedTest
    @CsvSource({
            "POST, /v1/messages, /error/type, api_error",
            "POST, /model/m/converse, /message, ",
            "POST, /guardrail/g/version/1/apply, /message, ",
            "POST, /v1/chat/completions, /error/code, internal_error",
            "GET, /admin/policies, /error/code, internal_error"})
    void anEscapedFailureIsA500InTheSurfacesShape(String method, String path, String pointer, String expected) throws Exception {
        HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(reply.statusCode()).isEqualTo(500);
        String requestId = reply.headers().firstValue("X-Request-Id").orElseThrow();
        if (path.startsWith("/admin")) assertThat(requestId).startsWith("req_").isNotEqualTo("req_given");
        else assertThat(requestId).isEqualTo("req_given");
        JsonNode body = JSON.readTree(reply.body());
        String message = body.at(pointer).asText();
        if (expected != null) assertThat(message).isEqualTo(expected);
        assertThat(reply.body()).contains(requestId).doesNotContain("encoder");
        if (path.startsWith("/model/") || path.startsWith("/guardrail/")) {
            assertThat(reply.headers().firstValue("x-amzn-ErrorType")).hasValueSatisfying(type -> assertThat(type).startsWith("InternalServerException"));
        }
    }
}
