package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.provider.ScriptedStub;
import dev.quarry.provider.UpstreamScript;
import dev.quarry.provider.anthropic.AnthropicStub;
import dev.quarry.provider.gemini.GeminiStub;
import dev.quarry.testing.JsonCalls;
import dev.quarry.testing.TestQuarry;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The input guard reads what the providers are sent, not only what the client wrote: a JSON escape
 * in a tool call's arguments or in a tool result that a provider parses, an inline image's media
 * type, a reasoning signature. Raw JSON bodies, so that the escapes are exactly the attacker's;
 * stubs of providers that parse arguments (Gemini, Anthropic) record what reaches them.
 */
class GuardrailWireTest {
    private static final String BLOCKED = "That request cannot be sent.";

    private static GeminiStub gemini;
    private static AnthropicStub anthropic;
    private static TestQuarry quarry;
    private static String key;

    @BeforeAll
    static void start() {
        gemini = new GeminiStub();
        anthropic = new AnthropicStub();
        quarry = TestQuarry.start("""
                providers:
                  - { name: up-gemini, type: gemini, base_url: "%s", api_key_env: GEMINI_KEY }
                  - { name: up-anthropic, type: anthropic, base_url: "%s", api_key_env: ANTHROPIC_KEY }
                models:
                  - { id: m-gemini, deployments: [{ provider: up-gemini, model: gemini-upstream }] }
                  - { id: m-anthropic, deployments: [{ provider: up-anthropic, model: claude-upstream }] }
                guardrails:
                  - id: wire
                    name: wire
                    blockedInputMessaging: "%s"
                    blockedOutputsMessaging: "Withheld."
                    sensitiveInformationPolicyConfig:
                      piiEntitiesConfig:
                        - {type: CREDIT_DEBIT_CARD_NUMBER, action: BLOCK}
                        - {type: EMAIL, action: ANONYMIZE}
                default_guardrail: wire
                """.formatted(gemini.baseUrl(), anthropic.baseUrl(), BLOCKED), Map.of("GEMINI_KEY", "AIza-stub", "ANTHROPIC_KEY", "sk-ant"));
        key = quarry.newKey("wire");
    }

    @AfterAll
    static void stop() {
        quarry.close();
        gemini.close();
        anthropic.close();
    }

    // ---- Finding: JSON escapes in tool-call arguments and tool results

    @Test
    void anEscapedCardInToolCallArgumentsIsBlockedBeforeAProviderThatParsesThem() {
        String arguments = "{\\\"card\\\":\\\"\\\\u0034539148803436467\\\"}";
        assertBlocked(gemini, () -> chat("m-gemini", toolTurn(arguments, "\"done\"")));
        assertBlocked(anthropic, () -> chat("m-anthropic", toolTurn(arguments, "\"done\"")));
    }

    @Test
    void escapedArgumentsReachTheProviderAsTheGuardReadThemWithTheirEmailAnonymised() {
        gemini.then(UpstreamScript.answer(UpstreamScript.text("fine")));
        JsonNode reply = chat("m-gemini", toolTurn("{\\\"note\\\":\\\"mail ann\\\\u0040example.com\\\"}", "\"done\"")).expect(200);
        assertThat(reply.path("choices").get(0).path("message").path("content").asText()).isEqualTo("fine");
        JsonNode call = gemini.lastBody().path("contents").get(1).path("parts").get(0).path("functionCall");
        assertThat(call.path("args").path("note").asText()).isEqualTo("mail {EMAIL}");
    }

    @Test
    void aToolResultThatIsAJsonObjectIsReadDecodedToo() {
        assertBlocked(gemini, () -> chat("m-gemini", toolTurn("{}", "\"{\\\"contact\\\":\\\"ann\\\\u0040example.com\\\"}\"")));
    }

    // ---- Finding: inline data: URLs

    @Test
    void aDataUrlThatIsNotABase64ImageIsRefusedNamingTheField() {
        JsonCalls.Reply reply = chat("m-gemini", """
                [{"role":"user","content":[{"type":"text","text":"What is this?"},
                  {"type":"image_url","image_url":{"url":"data:card-4539148803436467;base64,AAAA"}}]}]""");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("error").path("param").asText()).isEqualTo("messages[0].content[1].image_url.url");
        assertThat(gemini.requests()).noneMatch(r -> r.text().contains("4539148803436467"));
    }

    @Test
    void anAnthropicImageMustHaveAnImageTypeAndBase64Data() {
        JsonCalls.Reply type = messages("""
                [{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"card/4539148803436467","data":"AAAA"}}]}]""");
        assertThat(type.status()).isEqualTo(400);
        assertThat(type.json().path("error").path("message").asText()).contains("messages[0].content[0].source.media_type");
        JsonCalls.Reply data = messages("""
                [{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"card 4539 1488 0343 6467"}}]}]""");
        assertThat(data.status()).isEqualTo(400);
        assertThat(data.json().path("error").path("message").asText()).contains("messages[0].content[0].source.data");
        JsonCalls.Reply url = messages("""
                [{"role":"user","content":[{"type":"image","source":{"type":"url","url":"data:text/plain;base64,AAAA"}}]}]""");
        assertThat(url.status()).isEqualTo(400);
        assertThat(url.json().path("error").path("message").asText()).contains("messages[0].content[0].source.url");
    }

    // ---- Finding: signatures and opaque reasoning

    @Test
    void aThinkingSignatureThatIsNotABase64TokenIsRefused() {
        JsonCalls.Reply reply = messages(thinking("card 4539 1488 0343 6467"));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(reply.json().path("error").path("message").asText()).contains("messages[1].content[0].signature");
    }

    @Test
    void aSignatureIsReadAndAFindInItBlocks() {
        assertBlocked(anthropic, () -> messages(thinking("4539148803436467")));
    }

    @Test
    void encryptedReasoningThatIsNotABase64TokenIsRefused() {
        JsonCalls.Reply reply = quarry.call("POST", "/v1/responses", key, """
                {"model":"m-anthropic","store":false,"input":[{"role":"user","content":"Hi"},
                 {"type":"reasoning","summary":[],"encrypted_content":"mail ann@example.com"},
                 {"role":"user","content":"Go on"}]}""");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("error").path("param").asText()).isEqualTo("input[1].encrypted_content");
    }

    // ----

    private static void assertBlocked(ScriptedStub stub, java.util.function.Supplier<JsonCalls.Reply> call) {
        int before = stub.requests().size();
        String reply = call.get().expect(200).toString();
        assertThat(reply).contains(BLOCKED);
        assertThat(stub.requests()).as("the upstream was not called").hasSize(before);
    }

    /** A user turn, an assistant call of {@code pay} with {@code arguments} (JSON string content), and its result {@code result} (a JSON string). */
    private static String toolTurn(String arguments, String result) {
        return """
                [{"role":"user","content":"Pay for it"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"pay","arguments":"%s"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":%s}]""".formatted(arguments, result);
    }

    private static JsonCalls.Reply chat(String model, String messages) {
        return quarry.call("POST", "/v1/chat/completions", key, """
                {"model":"%s","messages":%s,"tools":[{"type":"function","function":{"name":"pay","parameters":{"type":"object"}}}]}"""
                .formatted(model, messages));
    }

    private static JsonCalls.Reply messages(String messages) {
        return quarry.call("POST", "/v1/messages", key, """
                {"model":"m-anthropic","max_tokens":64,"messages":%s}""".formatted(messages));
    }

    private static String thinking(String signature) {
        return """
                [{"role":"user","content":"Hi"},
                 {"role":"assistant","content":[{"type":"thinking","thinking":"Let me think.","signature":"%s"},{"type":"text","text":"Hello"}]},
                 {"role":"user","content":"Go on"}]""".formatted(signature);
    }
}
