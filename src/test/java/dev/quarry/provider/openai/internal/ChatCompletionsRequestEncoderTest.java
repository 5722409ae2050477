package dev.quarry.provider.openai.internal;

import dev.quarry.canonical.DocumentType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.ToolSpec;
import dev.quarry.provider.openai.internal.ChatCompletionsRequestEncoder.Dialect;
import dev.quarry.provider.wire.Json;
import dev.quarry.provider.wire.CustomToolFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatCompletionsRequestEncoderTest {
    private static final ToolSpec WEATHER = ToolSpec.function("get_weather", "The weather in a city.",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");

    @Test
    void aRichConversationIsEncodedAsChatMessagesInOrder() {
        ChatRequest request = new ChatRequest("client-model",
                List.of(new ContentBlock.Text("Be brief."), new ContentBlock.CachePoint()),
                List.of(
                        new Message(Role.USER, List.of(new ContentBlock.Text("What is here?"), new ContentBlock.Image("data:image/png;base64,AAAA"))),
                        new Message(Role.ASSISTANT, List.of(
                                new ContentBlock.Reasoning("They want weather.", "sig"),
                                new ContentBlock.Text("Checking."),
                                new ContentBlock.ToolUse("call_1", "get_weather", "{\"city\":\"Paris\"}", ToolKind.FUNCTION))),
                        new Message(Role.USER, List.of(
                                new ContentBlock.ToolResult("call_1", List.of(new ContentBlock.Text("18 C")), false),
                                new ContentBlock.Text("And tomorrow?")))),
                List.of(WEATHER, ToolSpec.function("now", null, null)),
                new ToolChoice.Named("get_weather"),
                new InferenceConfig(256, 0.2, 0.9, List.of("END")),
                Map.of("reasoning_effort", "low", "seed", 7, "response_format", Map.of("type", "json_object"), "unknown_field", true));

        JsonNode body = ChatCompletionsRequestEncoder.encode(request, "gpt-5-mini", Dialect.OPENAI, true);

        assertThat(body).isEqualTo(json("""
                {"model":"gpt-5-mini",
                 "messages":[
                   {"role":"system","content":"Be brief."},
                   {"role":"user","content":[{"type":"text","text":"What is here?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},
                   {"role":"assistant","content":"Checking.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                   {"role":"tool","tool_call_id":"call_1","content":"18 C"},
                   {"role":"user","content":"And tomorrow?"}],
                 "stream":true,
                 "stream_options":{"include_usage":true},
                 "tools":[
                   {"type":"function","function":{"name":"get_weather","description":"The weather in a city.","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
                   {"type":"function","function":{"name":"now","parameters":{"type":"object","properties":{}}}}],
                 "tool_choice":{"type":"function","function":{"name":"get_weather"}},
                 "max_completion_tokens":256,
                 "temperature":0.2,
                 "top_p":0.9,
                 "stop":["END"],
                 "reasoning_effort":"low",
                 "seed":7,
                 "response_format":{"type":"json_object"}}"""));
    }

    @Test
    void compatibleServersGetMaxTokens() {
        ChatRequest request = new ChatRequest("m", List.of(), List.of(Message.user("Hi")), List.of(), ToolChoice.AUTO,
                new InferenceConfig(64, null, null, List.of()), Map.of());

        JsonNode body = ChatCompletionsRequestEncoder.encode(request, "llama3", Dialect.COMPATIBLE, true);

        assertThat(body.path("max_tokens").asInt()).isEqualTo(64);
        assertThat(body.has("max_completion_tokens")).isFalse();
    }

    @Test
    void anAssistantTurnOfOnlyToolCallsHasNoContent() {
        ChatRequest request = ChatRequest.of("m", List.of(new Message(Role.ASSISTANT,
                List.of(new ContentBlock.ToolUse("call_1", "now", "", ToolKind.FUNCTION)))));

        JsonNode assistant = ChatCompletionsRequestEncoder.encode(request, "m", Dialect.OPENAI, true).path("messages").get(0);

        assertThat(assistant.has("content")).isFalse();
        assertThat(assistant.path("tool_calls").get(0).path("function").path("arguments").asText()).isEqualTo("{}");
    }

    @Test
    void toolChoicesMapToOpenAisWords() {
        assertThat(toolChoice(new ToolChoice.Auto())).isEqualTo(json("\"auto\""));
        assertThat(toolChoice(new ToolChoice.None())).isEqualTo(json("\"none\""));
        assertThat(toolChoice(new ToolChoice.Any())).isEqualTo(json("\"required\""));
    }

    @Test
    void aFreeFormToolGoesUpstreamAsAFunctionTakingOneStringAndItsCallsAsThatFunctionsCalls() {
        JsonNode body = ChatCompletionsRequestEncoder.encode(CustomToolFixture.request("m"), "m", Dialect.OPENAI, true);

        JsonNode function = body.path("tools").get(0).path("function");
        assertThat(body.path("tools").get(0).path("type").asText()).isEqualTo("function");
        assertThat(function.path("name").asText()).isEqualTo("apply_patch");
        assertThat(function.path("parameters")).isEqualTo(Json.parse(CustomToolFixture.SCHEMA).orElseThrow());
        assertThat(function.path("description").asText()).startsWith("Edits files.").contains("lark grammar", CustomToolFixture.GRAMMAR);
        JsonNode call = body.path("messages").get(1).path("tool_calls").get(0);
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(Json.parse(call.path("function").path("arguments").asText()).orElseThrow().path("input").asText()).isEqualTo(CustomToolFixture.PATCH);
        assertThat(body.path("messages").get(2).path("tool_call_id").asText()).isEqualTo("call_1");
    }

    @Test
    void anImageInAToolResultIsRefusedRatherThanDropped() {
        ChatRequest request = ChatRequest.of("m", List.of(new Message(Role.USER, List.of(new ContentBlock.ToolResult("call_1",
                List.of(new ContentBlock.Image("https://example.com/a.png")), false)))));

        assertThatThrownBy(() -> ChatCompletionsRequestEncoder.encode(request, "m", Dialect.OPENAI, true))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE));
    }

    @Test
    void aToolSchemaThatIsNotAJsonObjectIsTheClientsMistake() {
        ChatRequest request = new ChatRequest("m", List.of(), List.of(Message.user("Hi")),
                List.of(ToolSpec.function("broken", null, "{not json")), ToolChoice.AUTO, null, Map.of());

        assertThatThrownBy(() -> ChatCompletionsRequestEncoder.encode(request, "m", Dialect.OPENAI, true))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
                    assertThat(e.getMessage()).contains("'broken'");
                });
    }

    private static JsonNode toolChoice(ToolChoice choice) {
        ChatRequest request = new ChatRequest("m", List.of(), List.of(Message.user("Hi")), List.of(WEATHER), choice, null, Map.of());
        return ChatCompletionsRequestEncoder.encode(request, "m", Dialect.OPENAI, true).path("tool_choice");
    }

    static JsonNode json(String text) {
        return Json.parse(text).orElseThrow();
    }

    @Test
    void aPdfGoesAsAFilePartNamedForItsTypeWhenTheClientGaveNoName() {
        ChatRequest request = ChatRequest.of("m", List.of(new Message(Role.USER, List.of(new ContentBlock.Text("Read."),
                new ContentBlock.Document(DocumentType.PDF, "JVBERi0xLjQK", null)))));
        JsonNode content = ChatCompletionsRequestEncoder.encode(request, "gpt", Dialect.OPENAI, true).path("messages").get(0).path("content");
        assertThat(content.get(1)).isEqualTo(json("""
                {"type":"file","file":{"filename":"document.pdf","file_data":"data:application/pdf;base64,JVBERi0xLjQK"}}"""));
    }

    @Test
    void otherDocumentsAreRefusedPointingToTheResponsesApi() {
        ChatRequest request = ChatRequest.of("gpt-5.5", List.of(new Message(Role.USER, List.of(
                new ContentBlock.Document(DocumentType.TEXT, "aGk=", "a.txt")))));
        assertThatThrownBy(() -> ChatCompletionsRequestEncoder.encode(request, "gpt", Dialect.OPENAI, true)).isInstanceOfSatisfying(
                QuarryException.class, e -> assertThat(e.getMessage()).contains("Model 'gpt-5.5'", "txt document", "(it takes pdf)", "api: responses"));
    }
}
