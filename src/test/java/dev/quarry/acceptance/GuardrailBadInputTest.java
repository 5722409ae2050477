package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.config.ConfigException;
import dev.quarry.config.ConfigLoader;
import dev.quarry.server.Quarry;
import dev.quarry.surface.bedrock.ApplyGuardrailCodec;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed, oversized, unsupported and unauthenticated guardrail requests: ApplyGuardrail answers
 * in Bedrock's restJson1 error shape ({@code X-Amzn-Errortype}, {@code {"message"}}), the admin
 * API and the OpenAI surface in OpenAI's error object naming the field at fault; a definition
 * Quarry cannot enforce is refused, never stored. The server goes on serving after each.
 */
class GuardrailBadInputTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = HttpClient.newHttpClient();
    static final String APPLY = "/guardrail/strict/version/1/apply";
    static final String CARD = "4539 1488 0343 6467";
    static TestQuarry quarry;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start("""
                guardrails:
                  - id: strict
                    name: strict
                    blockedInputMessaging: "Sorry, I can't help with that request."
                    blockedOutputsMessaging: "Sorry, the answer was withheld."
                    sensitiveInformationPolicyConfig:
                      piiEntitiesConfig:
                        - {type: CREDIT_DEBIT_CARD_NUMBER, action: BLOCK}
                        - {type: EMAIL, action: ANONYMIZE}
                """, Map.of());
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    @AfterEach
    void serverStillServes() throws Exception {
        Reply ok = post(APPLY, "application/json", apply("INPUT", "card " + CARD), bearer());
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("action").asText()).isEqualTo("GUARDRAIL_INTERVENED");
    }

    // ---- ApplyGuardrail (Bedrock shape) ----

    @Test
    void textOverTheCharacterLimitIsRefusedStatingTheLimit() throws Exception {
        int limit = ApplyGuardrailCodec.MAX_CHARACTERS;
        Reply r = post(APPLY, "application/json", apply("INPUT", "a".repeat(limit + 1)), bearer());
        // PAYLOAD_TOO_LARGE maps to Bedrock's ValidationException (400), which is what Bedrock sends for an over-long text.
        assertBedrockError(r, 400, "ValidationException", String.valueOf(limit));
        assertThat(r.json().path("message").asText()).contains(String.valueOf(limit + 1));

        // Split over blocks, the characters still add up.
        ObjectNode two = JSON.createObjectNode().put("source", "INPUT");
        two.putArray("content").add(textBlock("b".repeat(limit / 2))).add(textBlock("c".repeat(limit / 2 + 1)));
        assertBedrockError(post(APPLY, "application/json", two.toString(), bearer()), 400, "ValidationException", String.valueOf(limit));
    }

    @Test
    void textAtTheCharacterLimitIsChecked() throws Exception {
        String sentence = "All is well in the shop today. ";
        String text = sentence.repeat(ApplyGuardrailCodec.MAX_CHARACTERS / sentence.length() + 1).substring(0, ApplyGuardrailCodec.MAX_CHARACTERS);
        Reply r = post(APPLY, "application/json", apply("INPUT", text), bearer());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("action").asText()).isEqualTo("NONE");
    }

    @Test
    void aBodyOverTheByteLimitIsRefused() throws Exception {
        // Escaped quotes: 2 bytes a character in JSON, 1.2 MB past the 1 MiB ApplyGuardrail body limit.
        Reply r = post(APPLY, "application/json", apply("INPUT", "\"".repeat(600_000)), bearer());
        assertBedrockError(r, 400, "ValidationException", "1048576");
    }

    @Test
    void aMissingSourceIsNamed() throws Exception {
        assertBedrockError(post(APPLY, "application/json", "{\"content\": [{\"text\": {\"text\": \"hi\"}}]}", bearer()),
                400, "ValidationException", "'source'");
    }

    @Test
    void aBadSourceIsNamed() throws Exception {
        assertBedrockError(post(APPLY, "application/json", apply("SIDEWAYS", "hi"), bearer()), 400, "ValidationException",
                "'source' must be INPUT or OUTPUT");
        assertBedrockError(post(APPLY, "application/json", apply("input", "hi"), bearer()), 400, "ValidationException", "'source'");
    }

    @Test
    void emptyOrMissingContentIsNamed() throws Exception {
        assertBedrockError(post(APPLY, "application/json", "{\"source\": \"INPUT\", \"content\": []}", bearer()), 400,
                "ValidationException", "'content'");
        assertBedrockError(post(APPLY, "application/json", "{\"source\": \"INPUT\"}", bearer()), 400, "ValidationException", "'content'");
        assertBedrockError(post(APPLY, "application/json", "{\"source\": \"INPUT\", \"content\": [{}]}", bearer()), 400,
                "ValidationException", "content[0].text");
        assertBedrockError(post(APPLY, "application/json", "{\"source\": \"INPUT\", \"content\": [{\"text\": {}}]}", bearer()), 400,
                "ValidationException", "content[0].text.text");
    }

    @Test
    void imageContentIsUnsupportedWithAClearMessage() throws Exception {
        String body = "{\"source\": \"INPUT\", \"content\": [{\"image\": {\"format\": \"png\", \"source\": {\"bytes\": \"iVBORw0KGgo=\"}}}]}";
        assertBedrockError(post(APPLY, "application/json", body, bearer()), 400, "ValidationException", "image content is not supported");
    }

    @Test
    void anUnknownFieldIsNamed() throws Exception {
        String body = "{\"source\": \"INPUT\", \"content\": [{\"text\": {\"text\": \"hi\"}}], \"guardrailConfig\": {}}";
        assertBedrockError(post(APPLY, "application/json", body, bearer()), 400, "ValidationException", "Unknown field 'guardrailConfig'");
    }

    @Test
    void aBadQualifierIsRefused() throws Exception {
        String body = "{\"source\": \"INPUT\", \"content\": [{\"text\": {\"text\": \"hi\", \"qualifiers\": [\"everything\"]}}]}";
        assertBedrockError(post(APPLY, "application/json", body, bearer()), 400, "ValidationException", "grounding_source, query or guard_content");
    }

    @Test
    void malformedJsonIsAValidationException() throws Exception {
        assertBedrockError(post(APPLY, "application/json", "{\"source\": \"INPUT\", \"content\": [", bearer()), 400,
                "ValidationException", "not valid JSON");
        assertBedrockError(post(APPLY, "application/json", "[1, 2]", bearer()), 400, "ValidationException", "JSON object");
    }

    @Test
    void aWrongContentTypeIsAValidationException() throws Exception {
        assertBedrockError(post(APPLY, "text/plain", apply("INPUT", "hi"), bearer()), 400, "ValidationException", "Content-Type: application/json");
    }

    @Test
    void aMalformedVersionOrIdentifierIsAValidationException() throws Exception {
        assertBedrockError(post("/guardrail/strict/version/v1/apply", "application/json", apply("INPUT", "hi"), bearer()), 400,
                "ValidationException", "positive number or DRAFT");
        assertBedrockError(post("/guardrail/strict/version/0/apply", "application/json", apply("INPUT", "hi"), bearer()), 400,
                "ValidationException", "positive number or DRAFT");
        assertBedrockError(post("/guardrail/no%20such/version/1/apply", "application/json", apply("INPUT", "hi"), bearer()), 400,
                "ValidationException", "guardrail id");
    }

    @Test
    void noCredentialIsAnUnrecognizedClient() throws Exception {
        assertBedrockError(post(APPLY, "application/json", apply("INPUT", "hi"), null), 403, "UnrecognizedClientException", "No API key");
    }

    @Test
    void aWrongBearerKeyIsRefusedBeforeTheBodyIsRead() throws Exception {
        assertBedrockError(post(APPLY, "application/json", "{not json", "Bearer qk-not-a-real-key"), 403, "UnrecognizedClientException", "not valid");
    }

    @Test
    void aMalformedSignatureIsAnIncompleteSignature() throws Exception {
        assertBedrockError(post(APPLY, "application/json", apply("INPUT", "hi"),
                "AWS4-HMAC-SHA256 Credential=QKIAX/20250101/us-east-1/bedrock/aws4_request"), 400, "IncompleteSignatureException", "SignedHeaders");
    }

    // ---- the admin API: definitions Quarry cannot enforce or read ----

    @Test
    void aRegexWithASyntaxErrorIsRefusedNamingItsPattern() throws Exception {
        JsonNode error = create("bad-regex", "\"sensitiveInformationPolicyConfig\": {\"regexesConfig\": "
                + "[{\"name\": \"order\", \"pattern\": \"ORD-[0-9\", \"action\": \"BLOCK\"}]}");
        assertThat(error.path("param").asText()).isEqualTo("sensitiveInformationPolicyConfig.regexesConfig[0].pattern");
        assertNotStored("bad-regex");
    }

    /** Passes only once the real RegexSafety check replaces the temporary stub detector in this worktree. */
    @Test
    void aRegexThatCouldBacktrackWithoutBoundIsRefused() throws Exception {
        JsonNode error = create("redos", "\"sensitiveInformationPolicyConfig\": {\"regexesConfig\": "
                + "[{\"name\": \"aaa\", \"pattern\": \"(a+)+$\", \"action\": \"BLOCK\"}]}");
        assertThat(error.path("param").asText()).isEqualTo("sensitiveInformationPolicyConfig.regexesConfig[0].pattern");
        assertNotStored("redos");
    }

    @Test
    void anUnknownPiiTypeIsRefusedListingTheValidOnes() throws Exception {
        JsonNode error = create("bad-pii", "\"sensitiveInformationPolicyConfig\": {\"piiEntitiesConfig\": "
                + "[{\"type\": \"CREDIT_CARD\", \"action\": \"BLOCK\"}]}");
        assertThat(error.path("param").asText()).isEqualTo("sensitiveInformationPolicyConfig.piiEntitiesConfig[0].type");
        assertThat(error.path("message").asText()).contains("CREDIT_CARD", "CREDIT_DEBIT_CARD_NUMBER", "EMAIL");
        assertNotStored("bad-pii");
    }

    @Test
    void aContentFilterQuarryCannotRunIsRefusedAsUnsupported() throws Exception {
        JsonNode error = create("hate", "\"contentPolicyConfig\": {\"filtersConfig\": "
                + "[{\"type\": \"HATE\", \"inputStrength\": \"HIGH\", \"outputStrength\": \"HIGH\"}]}");
        assertThat(error.path("param").asText()).isEqualTo("contentPolicyConfig.filtersConfig[0].type");
        assertThat(error.path("code").asText()).isEqualTo("unsupported_feature");
        assertThat(error.path("message").asText()).contains("HATE", "Quarry does not have");
        assertNotStored("hate");
    }

    @Test
    void contextualGroundingIsRefusedAsUnsupported() throws Exception {
        JsonNode error = create("grounded", "\"contextualGroundingPolicyConfig\": {\"filtersConfig\": "
                + "[{\"type\": \"GROUNDING\", \"threshold\": 0.8}]}");
        assertThat(error.path("param").asText()).isEqualTo("contextualGroundingPolicyConfig");
        assertThat(error.path("code").asText()).isEqualTo("unsupported_feature");
        assertThat(error.path("message").asText()).contains("not supported");
        assertNotStored("grounded");
    }

    @Test
    void anUnknownFieldIsRefusedByItsPath() throws Exception {
        JsonNode top = create("typo-top", "\"blockedMessage\": \"x\"");
        assertThat(top.path("param").asText()).isEqualTo("blockedMessage");
        assertThat(top.path("message").asText()).contains("Unknown field 'blockedMessage'");

        JsonNode nested = create("typo-nested", "\"sensitiveInformationPolicyConfig\": {\"piiEntitiesConfig\": "
                + "[{\"type\": \"EMAIL\", \"actoin\": \"BLOCK\"}]}");
        assertThat(nested.path("param").asText()).isEqualTo("sensitiveInformationPolicyConfig.piiEntitiesConfig[0].actoin");
        assertNotStored("typo-top");
        assertNotStored("typo-nested");
    }

    @Test
    void theBlockedMessagesAreRequired() throws Exception {
        Reply r = admin("POST", "/admin/guardrails", "{\"name\": \"no-message\", \"blockedOutputsMessaging\": \"out\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/param").asText()).isEqualTo("blockedInputMessaging");
        assertThat(r.json().at("/error/message").asText()).contains("'blockedInputMessaging' is required");
        Reply out = admin("POST", "/admin/guardrails", "{\"name\": \"no-message\", \"blockedInputMessaging\": \"in\"}");
        assertThat(out.json().at("/error/param").asText()).isEqualTo("blockedOutputsMessaging");
        assertNotStored("no-message");
    }

    @Test
    void aWordLongerThanAHundredCharactersIsRefused() throws Exception {
        JsonNode error = create("long-word", "\"wordPolicyConfig\": {\"wordsConfig\": [{\"text\": \"ok\"}, {\"text\": \"" + "w".repeat(101) + "\"}]}");
        assertThat(error.path("param").asText()).isEqualTo("wordPolicyConfig.wordsConfig[1].text");
        assertThat(error.path("message").asText()).contains("100");
        assertNotStored("long-word");
    }

    @Test
    void aBadNameOrBodyIsRefused() throws Exception {
        assertThat(admin("POST", "/admin/guardrails", "{\"name\": \"has spaces\", \"blockedInputMessaging\": \"i\", \"blockedOutputsMessaging\": \"o\"}")
                .json().at("/error/param").asText()).isEqualTo("name");
        assertThat(admin("POST", "/admin/guardrails", "{\"name\": ").status()).isEqualTo(400);
        Reply badId = admin("POST", "/admin/guardrails", "{\"id\": \"Has/Slash\", \"name\": \"ok-name\", \"blockedInputMessaging\": \"i\", "
                + "\"blockedOutputsMessaging\": \"o\"}");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().at("/error/param").asText()).isEqualTo("id");
        assertNotStored("ok-name");
    }

    @Test
    void aDraftUpdateIsCheckedAsStrictlyAsACreation() throws Exception {
        Reply created = admin("POST", "/admin/guardrails", definition("updatable", ""));
        assertThat(created.status()).as(created.json().toString()).isEqualTo(201);
        Reply r = admin("PUT", "/admin/guardrails/updatable", definition("updatable", ", \"sensitiveInformationPolicyConfig\": "
                + "{\"regexesConfig\": [{\"name\": \"r\", \"pattern\": \"(unclosed\", \"action\": \"BLOCK\"}]}"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/param").asText()).isEqualTo("sensitiveInformationPolicyConfig.regexesConfig[0].pattern");
        JsonNode draft = admin("GET", "/admin/guardrails/updatable", null).json();
        assertThat(draft.path("definition").has("sensitiveInformationPolicyConfig")).isFalse();
        assertThat(admin("DELETE", "/admin/guardrails/updatable", null).status()).isEqualTo(204);
    }

    // ---- the config file ----

    @Test
    void aConfigGuardrailQuarryCannotEnforceIsRefusedNamingItsPlaceInTheFile() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                guardrails:
                  - id: hateful
                    name: hateful
                    blockedInputMessaging: "in"
                    blockedOutputsMessaging: "out"
                    contentPolicyConfig:
                      filtersConfig: [{type: HATE, inputStrength: HIGH, outputStrength: HIGH}]
                """, "quarry.yaml", Path.of("unused")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("quarry.yaml")
                .hasMessageContaining("guardrails[0].contentPolicyConfig.filtersConfig[0].type");
    }

    @Test
    void aConfigGuardrailWithABadRegexStopsStartUpNamingTheGuardrail() throws Exception {
        Path dir = Files.createTempDirectory("quarry-guardrail-bad-config-");
        var config = ConfigLoader.parse("""
                guardrails:
                  - id: broken-regex
                    name: broken-regex
                    blockedInputMessaging: "in"
                    blockedOutputsMessaging: "out"
                    sensitiveInformationPolicyConfig:
                      regexesConfig: [{name: order, pattern: "ORD-[0-9", action: BLOCK}]
                """, "quarry.yaml", dir).withPort(0);
        assertThatThrownBy(() -> Quarry.start(config, Map.<String, String>of()::get).close())
                .hasMessageContaining("broken-regex")
                .hasMessageContaining("regexesConfig[0].pattern");
    }

    // ---- the OpenAI surface's guardrail header ----

    @Test
    void aMalformedGuardrailHeaderIsAnOpenAiError() throws Exception {
        Reply r = chat(Map.of("X-Quarry-Guardrail", "Not A Guardrail!"));
        assertThat(r.status()).isEqualTo(400);
        JsonNode error = r.json().path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo("X-Quarry-Guardrail");
        assertThat(error.path("message").asText()).contains("X-Quarry-Guardrail");

        Reply badVersion = chat(Map.of("X-Quarry-Guardrail", "strict:latest"));
        assertThat(badVersion.status()).isEqualTo(400);
        assertThat(badVersion.json().at("/error/message").asText()).contains("positive number or DRAFT");

        Reply versionOnly = chat(Map.of("X-Amzn-Bedrock-GuardrailVersion", "1"));
        assertThat(versionOnly.status()).isEqualTo(400);
        assertThat(versionOnly.json().at("/error/param").asText()).isEqualTo("X-Amzn-Bedrock-GuardrailIdentifier");

        Reply twoGuardrails = chat(Map.of("X-Quarry-Guardrail", "strict:1", "X-Amzn-Bedrock-GuardrailIdentifier", "other",
                "X-Amzn-Bedrock-GuardrailVersion", "1"));
        assertThat(twoGuardrails.status()).isEqualTo(400);
        assertThat(twoGuardrails.json().at("/error/message").asText()).contains("different guardrails");
    }

    @Test
    void anUnknownGuardrailInTheHeaderIsANotFound() throws Exception {
        Reply r = chat(Map.of("X-Quarry-Guardrail", "nope:1"));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().at("/error/code").asText()).isEqualTo("not_found");
        assertThat(r.json().at("/error/message").asText()).contains("nope");
    }

    @Test
    void aWellFormedGuardrailHeaderGuardsTheChat() throws Exception {
        Reply r = chat(Map.of("X-Quarry-Guardrail", "strict:1"), "Charge " + CARD);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
        assertThat(r.json().at("/choices/0/message/content").asText()).isEqualTo("Sorry, I can't help with that request.");
        assertThat(r.headers().firstValue("X-Quarry-Guardrail-Action")).contains("INTERVENED");
    }

    @Test
    void aGuardrailNamedOnAnEmbeddingRequestChecksItsInputAndAnUnknownOneIsRefused() throws Exception {
        Reply clean = send("/v1/embeddings", "{\"model\": \"quarry/minilm\", \"input\": \"hello\"}", Map.of("X-Quarry-Guardrail", "strict:1"));
        assertThat(clean.status()).as(clean.json().toString()).isEqualTo(200);
        Reply card = send("/v1/embeddings", "{\"model\": \"quarry/minilm\", \"input\": \"card 4539 1488 0343 6467\"}",
                Map.of("X-Quarry-Guardrail", "strict:1"));
        assertThat(card.status()).isEqualTo(400);
        assertThat(card.json().at("/error/code").asText()).isEqualTo("content_filter");
        assertThat(card.json().at("/error/message").asText()).isEqualTo("Sorry, I can't help with that request.");
        assertThat(send("/v1/embeddings", "{\"model\": \"quarry/minilm\", \"input\": \"hello\"}", Map.of("X-Quarry-Guardrail", "nowhere:1"))
                .status()).isEqualTo(404);
    }

    // ---- helpers ----

    record Reply(int status, String errorType, JsonNode json, java.net.http.HttpHeaders headers) {}

    private static String bearer() {
        return "Bearer " + quarry.adminKey();
    }

    private static String apply(String source, String text) {
        ObjectNode body = JSON.createObjectNode().put("source", source);
        body.putArray("content").add(textBlock(text));
        return body.toString();
    }

    private static ObjectNode textBlock(String text) {
        ObjectNode block = JSON.createObjectNode();
        block.putObject("text").put("text", text);
        return block;
    }

    private static String definition(String name, String extra) {
        return "{\"name\": \"" + name + "\", \"blockedInputMessaging\": \"in\", \"blockedOutputsMessaging\": \"out\"" + extra + "}";
    }

    /** Creates a guardrail with {@code extra} fields, expecting a 400; the error object. */
    private static JsonNode create(String name, String extra) throws Exception {
        Reply r = admin("POST", "/admin/guardrails", definition(name, ", " + extra));
        assertThat(r.status()).as(r.json().toString()).isEqualTo(400);
        return r.json().path("error");
    }

    private static void assertNotStored(String id) throws Exception {
        assertThat(admin("GET", "/admin/guardrails/" + id, null).status()).isEqualTo(404);
    }

    private static Reply chat(Map<String, String> headers) throws Exception {
        return chat(headers, "hi");
    }

    private static Reply chat(Map<String, String> headers, String text) throws Exception {
        String body = JSON.createObjectNode().put("model", "quarry/echo").set("messages",
                JSON.createArrayNode().add(JSON.createObjectNode().put("role", "user").put("content", text))).toString();
        return send("/v1/chat/completions", body, headers);
    }

    private static Reply send(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + quarry.newKey("openai-guardrail-user"))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        return reply(http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
    }

    private static Reply admin(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path))
                .header("Authorization", "Bearer " + quarry.adminKey())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) request.header("Content-Type", "application/json");
        return reply(http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
    }

    private static Reply post(String path, String contentType, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (authorization != null) request.header("Authorization", authorization);
        return reply(http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
    }

    private static Reply reply(HttpResponse<byte[]> response) throws Exception {
        JsonNode json = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        return new Reply(response.statusCode(), response.headers().firstValue("X-Amzn-Errortype").orElse(null), json, response.headers());
    }

    private static void assertBedrockError(Reply r, int status, String errorType, String message) {
        assertThat(r.status()).as("status: " + r.json()).isEqualTo(status);
        assertThat(r.errorType()).isEqualTo(errorType);
        assertThat(r.json().size()).as("restJson1 error bodies hold only the message").isEqualTo(1);
        assertThat(r.json().path("message").asText()).contains(message);
    }
}
