package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.quarry.testing.TestQuarry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Malformed, oversized, unauthenticated and hostile requests each get a clear 4xx in OpenAI's
 * error shape, and the server goes on serving.
 */
class OpenAiBadInputTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int LIMIT = 4096;
    static TestQuarry quarry;
    static String key;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start("server: { max_body_bytes: " + LIMIT + " }", Map.of());
        key = quarry.newKey("bad-input");
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    @AfterEach
    void serverStillServes() throws Exception {
        Reply ok = post("/v1/chat/completions", "application/json", chat("quarry/echo", "still here?").getBytes(StandardCharsets.UTF_8), key);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().at("/choices/0/message/content").asText()).isEqualTo("You said: still here?");
    }

    @Test
    void malformedJsonIsA400() throws Exception {
        Reply r = post("/v1/chat/completions", "application/json", "{\"model\": \"quarry/echo\", ".getBytes(StandardCharsets.UTF_8), key);
        assertError(r, 400, "invalid_request_error", "not valid JSON");
    }

    @Test
    void aBodyThatIsNotAnObjectIsA400() throws Exception {
        assertError(post("/v1/chat/completions", "application/json", "[1,2]".getBytes(StandardCharsets.UTF_8), key),
                400, "invalid_request_error", "must be a JSON object");
    }

    @Test
    void missingMessagesNamesTheField() throws Exception {
        Reply r = post("/v1/chat/completions", "application/json", "{\"model\":\"quarry/echo\"}".getBytes(StandardCharsets.UTF_8), key);
        assertError(r, 400, "invalid_request_error", "'messages'");
        assertThat(r.json().at("/error/param").asText()).isEqualTo("messages");
    }

    @Test
    void aWrongFieldTypeNamesItsPath() throws Exception {
        String body = "{\"model\":\"quarry/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"user\",\"content\":42}]}";
        Reply r = post("/v1/chat/completions", "application/json", body.getBytes(StandardCharsets.UTF_8), key);
        assertError(r, 400, "invalid_request_error", "messages[1].content");
    }

    @Test
    void aWrongContentTypeIsA415() throws Exception {
        assertError(post("/v1/chat/completions", "application/x-www-form-urlencoded",
                chat("quarry/echo", "hi").getBytes(StandardCharsets.UTF_8), key), 415, "invalid_request_error", "Content-Type: application/json");
    }

    @Test
    void aBodyOverTheLimitIsA413BeforeItIsRead() throws Exception {
        byte[] big = chat("quarry/echo", "x".repeat(LIMIT)).getBytes(StandardCharsets.UTF_8);
        assertError(post("/v1/chat/completions", "application/json", big, key), 413, "invalid_request_error", String.valueOf(LIMIT));
    }

    @Test
    void aChunkedBodyOverTheLimitIsA413() throws Exception {
        byte[] big = chat("quarry/echo", "x".repeat(LIMIT)).getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                // No length known up front: the client sends Transfer-Encoding: chunked.
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        assertError(send(request), 413, "invalid_request_error", "larger than");
    }

    @Test
    void aBodyThatIsNotUtf8IsA400() throws Exception {
        byte[] body = "{\"model\":\"quarry/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"caf\u00e9\"}]}".getBytes(StandardCharsets.ISO_8859_1);
        assertError(post("/v1/chat/completions", "application/json", body, key), 400, "invalid_request_error", "UTF-8");
    }

    @Test
    void hostilyDeepNestingIsA400() throws Exception {
        String deep = "[".repeat(1500) + "]".repeat(1500);
        byte[] body = ("{\"model\":\"quarry/echo\",\"messages\":" + deep + "}").getBytes(StandardCharsets.UTF_8);
        assertError(post("/v1/chat/completions", "application/json", body, key), 400, "invalid_request_error", "nesting");
    }

    @Test
    void anUnknownModelIsA404NamingIt() throws Exception {
        Reply r = post("/v1/chat/completions", "application/json", chat("no-such-model", "hi").getBytes(StandardCharsets.UTF_8), key);
        assertError(r, 404, "invalid_request_error", "no-such-model");
        assertThat(r.json().at("/error/code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void aKnownModelWithoutDeploymentSaysWhatToConfigure() throws Exception {
        Reply r = post("/v1/chat/completions", "application/json", chat("gpt-5.5", "hi").getBytes(StandardCharsets.UTF_8), key);
        assertError(r, 400, "invalid_request_error", "no deployment configured");
        assertThat(r.json().at("/error/message").asText()).contains("providers:", "deployments:");
    }

    @Test
    void aStreamingRequestThatFailsBeforeAnyOutputGetsAnHttpError() throws Exception {
        String body = "{\"model\":\"nope\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        Reply r = post("/v1/chat/completions", "application/json", body.getBytes(StandardCharsets.UTF_8), key);
        assertThat(r.contentType()).startsWith("application/json");
        assertError(r, 404, "invalid_request_error", "nope");
    }

    @Test
    void aMissingKeyIsA401() throws Exception {
        assertError(post("/v1/chat/completions", "application/json", chat("quarry/echo", "hi").getBytes(StandardCharsets.UTF_8), null),
                401, "authentication_error", "Authorization: Bearer");
    }

    @Test
    void aWrongKeyIsA401EvenWithAMalformedBody() throws Exception {
        Reply r = post("/v1/chat/completions", "application/json", "{not json".getBytes(StandardCharsets.UTF_8), "qk-not-a-real-key");
        assertError(r, 401, "authentication_error", "not valid");
        assertThat(r.json().at("/error/code").asText()).isEqualTo("invalid_api_key");
    }

    @Test
    void responsesRefusesPreviousResponseIdBecauseNothingIsStored() throws Exception {
        String body = "{\"model\":\"quarry/echo\",\"input\":\"hi\",\"previous_response_id\":\"resp_1\"}";
        Reply r = post("/v1/responses", "application/json", body.getBytes(StandardCharsets.UTF_8), key);
        assertError(r, 400, "invalid_request_error", "previous_response_id");
        assertThat(r.json().at("/error/code").asText()).isEqualTo("unsupported_feature");
    }

    @Test
    void responsesRefusesBackgroundConversationAndStoreTrueByName() throws Exception {
        for (var field : Map.of("background", "true", "conversation", "{\"id\":\"conv_1\"}", "store", "true").entrySet()) {
            String body = "{\"model\":\"quarry/echo\",\"input\":\"hi\",\"" + field.getKey() + "\":" + field.getValue() + "}";
            Reply r = post("/v1/responses", "application/json", body.getBytes(StandardCharsets.UTF_8), key);
            assertError(r, 400, "invalid_request_error", field.getKey());
            assertThat(r.json().at("/error/code").asText()).isEqualTo("unsupported_feature");
        }
    }

    @Test
    void chatCompletionsRefusesStoreTrueByName() throws Exception {
        String body = "{\"model\":\"quarry/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"store\":true}";
        Reply r = post("/v1/chat/completions", "application/json", body.getBytes(StandardCharsets.UTF_8), key);
        assertError(r, 400, "invalid_request_error", "store");
    }

    @Test
    void responsesSetsAsideHostedToolsAndSaysSo() throws Exception {
        String body = "{\"model\":\"quarry/echo\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}";
        Reply r = post("/v1/responses", "application/json", body.getBytes(StandardCharsets.UTF_8), key);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-quarry-tools-set-aside")).hasValue("web_search");
    }

    @Test
    void theOfficialSdkSurfacesQuarryErrorsAsTypedExceptions() {
        var bad = OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/v1").apiKey("qk-wrong").maxRetries(0).build();
        var good = OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/v1").apiKey(key).maxRetries(0).build();
        try {
            var params = ChatCompletionCreateParams.builder().model("quarry/echo").addUserMessage("hi").build();
            assertThatThrownBy(() -> bad.chat().completions().create(params)).isInstanceOf(UnauthorizedException.class)
                    .hasMessageContaining("not valid");
            assertThatThrownBy(() -> good.chat().completions().create(params.toBuilder().model("missing").build()))
                    .isInstanceOf(NotFoundException.class).hasMessageContaining("missing");
            assertThatThrownBy(() -> good.chat().completions().create(params.toBuilder().n(2).build()))
                    .isInstanceOf(BadRequestException.class).hasMessageContaining("n=1");
        } finally {
            bad.close();
            good.close();
        }
    }

    @Test
    void modelsListsTheCatalogAndIgnoresCodexQueryParameters() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/models?client_version=0.169.0"))
                .header("Authorization", "Bearer " + key).GET().build();
        Reply r = send(request);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().at("/object").asText()).isEqualTo("list");
        assertThat(r.json().get("data").findValuesAsText("id")).contains("quarry/echo", "quarry/minilm", "gpt-5.5", "claude-sonnet-4-5");
    }

    /**
     * A custom tool's format that cannot be a grammar is refused on both OpenAI APIs that carry
     * custom tools, naming the tool and the field, before any upstream sees it.
     */
    @ParameterizedTest
    @CsvSource(delimiterString = " ;; ", quoteCharacter = '`', value = {
            "{\"type\":\"grammar\",\"syntax\":\"ebnf\",\"definition\":\"start: x\"} ;; format.syntax ;; \"lark\" or \"regex\"",
            "{\"type\":\"grammar\",\"syntax\":\"regex\"} ;; format.definition ;; must be a string",
            "{\"type\":\"grammar\",\"syntax\":\"regex\",\"definition\":42} ;; format.definition ;; must be a string",
            "{\"type\":\"grammar\",\"syntax\":\"regex\",\"definition\":\"[a-z\"} ;; format.definition ;; not a valid regex",
            "{\"type\":\"grammar\",\"syntax\":\"lark\",\"definition\":\"start: (\\\"a\\\" \\\"b\\\"\"} ;; format.definition ;; is never closed",
            "{\"type\":\"json\"} ;; format.type ;; \"text\" or \"grammar\""})
    void anUnparseableCustomToolGrammarIsA400NamingTheToolAndTheField(String format, String field, String problem) throws Exception {
        String responses = "{\"model\":\"quarry/echo\",\"input\":\"hi\",\"tools\":[{\"type\":\"custom\",\"name\":\"apply_patch\",\"format\":"
                + format + "}]}";
        Reply r = post("/v1/responses", "application/json", responses.getBytes(StandardCharsets.UTF_8), key);
        assertError(r, 400, "invalid_request_error", "Custom tool 'apply_patch': tools[0]." + field);
        assertThat(r.json().at("/error/message").asText()).contains(problem);
        assertThat(r.json().at("/error/param").asText()).isEqualTo("tools[0]." + field);

        // Chat Completions nests a grammar's syntax and definition under "grammar".
        ObjectNode chatFormat = (ObjectNode) JSON.readTree(format);
        if (chatFormat.path("type").asText().equals("grammar")) {
            ObjectNode grammar = chatFormat.putObject("grammar");
            for (String moved : List.of("syntax", "definition")) {
                if (chatFormat.has(moved)) grammar.set(moved, chatFormat.remove(moved));
            }
        }
        String chatField = field.equals("format.type") ? field : field.replace("format.", "format.grammar.");
        String chat = "{\"model\":\"quarry/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"apply_patch\",\"format\":" + chatFormat + "}}]}";
        Reply c = post("/v1/chat/completions", "application/json", chat.getBytes(StandardCharsets.UTF_8), key);
        assertError(c, 400, "invalid_request_error", "Custom tool 'apply_patch': tools[0].custom." + chatField);
        assertThat(c.json().at("/error/message").asText()).contains(problem);
        assertThat(c.json().at("/error/param").asText()).isEqualTo("tools[0].custom." + chatField);
    }

    record Reply(int status, String contentType, JsonNode json, java.net.http.HttpHeaders headers) {}

    private static Reply post(String path, String contentType, byte[] body, String apiKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null) request.header("Authorization", "Bearer " + apiKey);
        return send(request.build());
    }

    private static Reply send(HttpRequest request) throws Exception {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(response.statusCode(), response.headers().firstValue("content-type").orElse(""),
                JSON.readTree(response.body()), response.headers());
    }

    private static void assertError(Reply r, int status, String type, String messageFragment) {
        assertThat(r.status()).as(r.json().toString()).isEqualTo(status);
        assertThat(r.json().at("/error/type").asText()).isEqualTo(type);
        assertThat(r.json().at("/error/message").asText()).contains(messageFragment);
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
    }

    private static String chat(String model, String text) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }
}
