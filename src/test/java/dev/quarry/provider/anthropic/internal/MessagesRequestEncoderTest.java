package dev.quarry.provider.anthropic.internal;

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
import dev.quarry.provider.wire.Json;
import dev.quarry.provider.wire.CustomToolFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagesRequestEncoderTest {
    private static final ToolSpec WEATHER = ToolSpec.function("get_weather", "The weather in a city.",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");

    @Test
    void aRichConversationIsEncodedAsMessagesWithCachePointsOnThePrecedingBlock() {
        ChatRequest request = new ChatRequest("client-model",
                List.of(new ContentBlock.Text("Be brief."), new ContentBlock.CachePoint()),
                List.of(
                        new Message(Role.USER, List.of(new ContentBlock.Text("What is here?"),
                                new ContentBlock.Image("data:image/png;base64,AAAA"), new ContentBlock.Image("https://example.com/cat.jpg"),
                                new ContentBlock.CachePoint())),
                        new Message(Role.ASSISTANT, List.of(
                                new ContentBlock.Reasoning("They want weather.", "sig-1"),
                                new ContentBlock.Reasoning("Unsigned summary from another provider.", null),
                                new ContentBlock.Text(""),
                                new ContentBlock.ToolUse("toolu_1", "get_weather", "{\"city\":\"Paris\"}", ToolKind.FUNCTION))),
                        new Message(Role.USER, List.of(
                                new ContentBlock.ToolResult("toolu_1", List.of(new ContentBlock.Text("18 C")), false),
                                new ContentBlock.ToolResult("toolu_2", List.of(new ContentBlock.Text("no such city")), true),
                                new ContentBlock.Text("And tomorrow?")))),
                List.of(WEATHER, ToolSpec.function("now", null, null)),
                new ToolChoice.Any(),
                new InferenceConfig(256, 0.2, 0.9, List.of("END")),
                Map.of("thinking", Map.of("type", "enabled", "budget_tokens", 1024), "top_k", 5, "reasoning_effort", "low"));

        JsonNode body = MessagesRequestEncoder.encode(request, "claude-sonnet-4-5", 4096, true);

        assertThat(body).isEqualTo(json("""
                {"model":"claude-sonnet-4-5","max_tokens":256,
                 "system":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}],
                 "messages":[
                   {"role":"user","content":[
                     {"type":"text","text":"What is here?"},
                     {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}},
                     {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"},"cache_control":{"type":"ephemeral"}}]},
                   {"role":"assistant","content":[
                     {"type":"thinking","thinking":"They want weather.","signature":"sig-1"},
                     {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
                   {"role":"user","content":[
                     {"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"18 C"}]},
                     {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"no such city"}],"is_error":true},
                     {"type":"text","text":"And tomorrow?"}]}],
                 "tools":[
                   {"name":"get_weather","description":"The weather in a city.","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}},
                   {"name":"now","input_schema":{"type":"object","properties":{}}}],
                 "tool_choice":{"type":"any"},
                 "temperature":0.2,"top_p":0.9,"stop_sequences":["END"],
                 "thinking":{"type":"enabled","budget_tokens":1024},"top_k":5,
                 "stream":true}"""));
    }

    @Test
    void withoutAClientLimitTheDefaultIsAskedForOnTopOfTheThinkingBudget() {
        ChatRequest plain = ChatRequest.of("m", List.of(Message.user("Hi.")));
        ChatRequest thinking = new ChatRequest("m", List.of(), List.of(Message.user("Hi.")), List.of(), null, null,
                Map.of("thinking", Map.of("type", "enabled", "budget_tokens", 2000)));

        assertThat(MessagesRequestEncoder.encode(plain, "m", 4096, true).path("max_tokens").asInt()).isEqualTo(4096);
        assertThat(MessagesRequestEncoder.encode(thinking, "m", 4096, true).path("max_tokens").asInt()).isEqualTo(6096);
    }

    @Test
    void toolChoicesMapToAnthropicsTypes() {
        assertThat(toolChoice(ToolChoice.AUTO)).isEqualTo("{\"type\":\"auto\"}");
        assertThat(toolChoice(new ToolChoice.None())).isEqualTo("{\"type\":\"none\"}");
        assertThat(toolChoice(new ToolChoice.Named("get_weather"))).isEqualTo("{\"type\":\"tool\",\"name\":\"get_weather\"}");
    }

    @Test
    void aFreeFormToolGoesUpstreamAsAFunctionTakingOneStringAndItsCallsAsThatFunctionsCalls() {
        JsonNode body = MessagesRequestEncoder.encode(CustomToolFixture.request("m"), "m", 4096, true);

        JsonNode tool = body.path("tools").get(0);
        assertThat(tool.path("name").asText()).isEqualTo("apply_patch");
        assertThat(tool.path("input_schema")).isEqualTo(Json.parse(CustomToolFixture.SCHEMA).orElseThrow());
        assertThat(tool.path("description").asText()).startsWith("Edits files.").contains("lark grammar", CustomToolFixture.GRAMMAR);
        JsonNode call = body.path("messages").get(1).path("content").get(0);
        assertThat(call.path("type").asText()).isEqualTo("tool_use");
        assertThat(call.path("input").path("input").asText()).isEqualTo(CustomToolFixture.PATCH);
        assertThat(body.path("messages").get(2).path("content").get(0).path("tool_use_id").asText()).isEqualTo("call_1");
    }

    @Test
    void aToolCallWhoseInputIsNoJsonObjectIsRefused() {
        ChatRequest request = ChatRequest.of("m", List.of(Message.user("Go."),
                new Message(Role.ASSISTANT, List.of(new ContentBlock.ToolUse("toolu_9", "get_weather", "Paris", ToolKind.FUNCTION)))));

        assertThatThrownBy(() -> MessagesRequestEncoder.encode(request, "m", 4096, true))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
                    assertThat(e.getMessage()).contains("toolu_9");
                });
    }

    @Test
    void anAssistantTurnOfOnlyUnsignedReasoningIsLeftOutRatherThanSentEmpty() {
        ChatRequest request = ChatRequest.of("m", List.of(Message.user("Hi."),
                new Message(Role.ASSISTANT, List.of(new ContentBlock.Reasoning("thought", null))), Message.user("Well?")));

        JsonNode messages = MessagesRequestEncoder.encode(request, "m", 4096, true).path("messages");

        assertThat(messages).hasSize(2);
        assertThat(messages.get(1).path("role").asText()).isEqualTo("user");
    }

    private static String toolChoice(ToolChoice choice) {
        ChatRequest request = new ChatRequest("m", List.of(), List.of(Message.user("Hi.")), List.of(WEATHER), choice, null, Map.of());
        return MessagesRequestEncoder.encode(request, "m", 4096, true).path("tool_choice").toString();
    }

    private static JsonNode json(String text) {
        return Json.parse(text).orElseThrow();
    }

    @Test
    void aPdfGoesAsABase64DocumentAndTextDocumentsAsTextSources() {
        ChatRequest request = ChatRequest.of("m", List.of(new Message(Role.USER, List.of(
                new ContentBlock.Document(DocumentType.PDF, "JVBERi0xLjQK", "Q3 report"),
                new ContentBlock.Document(DocumentType.CSV, "YSxiCjEsMgo=", null),
                new ContentBlock.CachePoint(),
                new ContentBlock.Text("Compare.")))));
        JsonNode content = MessagesRequestEncoder.encode(request, "claude-upstream", 4096, true).path("messages").get(0).path("content");
        assertThat(content.get(0)).isEqualTo(json("""
                {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0xLjQK"},"title":"Q3 report"}"""));
        assertThat(content.get(1)).isEqualTo(json("""
                {"type":"document","source":{"type":"text","media_type":"text/plain","data":"a,b\\n1,2\\n"},"cache_control":{"type":"ephemeral"}}"""));
    }

    @Test
    void anOfficeDocumentIsRefusedNamingTheModelAndTheWayOut() {
        ChatRequest request = ChatRequest.of("claude-sonnet-4-5", List.of(new Message(Role.USER, List.of(new ContentBlock.Text("Read."),
                new ContentBlock.Document(DocumentType.XLSX, "UEsDBA==", "sales.xlsx")))));
        assertThatThrownBy(() -> MessagesRequestEncoder.encode(request, "m", 4096, true)).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE);
            assertThat(e.getMessage()).contains("Model 'claude-sonnet-4-5'", "xlsx document", "it takes pdf, txt, csv, html, md",
                    "convert it to PDF");
        });
    }
}
