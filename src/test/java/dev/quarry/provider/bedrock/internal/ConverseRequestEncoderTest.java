package dev.quarry.provider.bedrock.internal;

import dev.quarry.canonical.Documents;
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

class ConverseRequestEncoderTest {
    private static final ToolSpec WEATHER = ToolSpec.function("get_weather", "The weather in a city.",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");

    @Test
    void aRichConversationIsEncodedAsConverseBlocksWithNativeCachePoints() {
        ChatRequest request = new ChatRequest("client-model",
                List.of(new ContentBlock.Text("Be brief."), new ContentBlock.CachePoint()),
                List.of(
                        new Message(Role.USER, List.of(new ContentBlock.Text("What is here?"), new ContentBlock.Image("data:image/jpeg;base64,AAAA"),
                                new ContentBlock.CachePoint())),
                        new Message(Role.ASSISTANT, List.of(
                                new ContentBlock.Reasoning("They want weather.", "sig-1"),
                                new ContentBlock.Reasoning("unsigned", null),
                                new ContentBlock.Text(""),
                                new ContentBlock.ToolUse("tooluse_1", "get_weather", "{\"city\":\"Paris\"}", ToolKind.FUNCTION))),
                        new Message(Role.USER, List.of(
                                new ContentBlock.ToolResult("tooluse_1", List.of(new ContentBlock.Text("no such city")), true)))),
                List.of(WEATHER),
                new ToolChoice.Named("get_weather"),
                new InferenceConfig(256, 0.2, 0.9, List.of("END")),
                Map.of("thinking", Map.of("type", "enabled", "budget_tokens", 1024), "reasoning_effort", "low"));

        JsonNode body = ConverseRequestEncoder.encode(request);

        assertThat(body).isEqualTo(Json.parse("""
                {"messages":[
                   {"role":"user","content":[{"text":"What is here?"},{"image":{"format":"jpeg","source":{"bytes":"AAAA"}}},
                                             {"cachePoint":{"type":"default"}}]},
                   {"role":"assistant","content":[
                     {"reasoningContent":{"reasoningText":{"text":"They want weather.","signature":"sig-1"}}},
                     {"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}}]},
                   {"role":"user","content":[{"toolResult":{"toolUseId":"tooluse_1","content":[{"text":"no such city"}],"status":"error"}}]}],
                 "system":[{"text":"Be brief."},{"cachePoint":{"type":"default"}}],
                 "toolConfig":{"tools":[{"toolSpec":{"name":"get_weather","description":"The weather in a city.",
                                                      "inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}}}}}}],
                               "toolChoice":{"tool":{"name":"get_weather"}}},
                 "inferenceConfig":{"maxTokens":256,"temperature":0.2,"topP":0.9,"stopSequences":["END"]},
                 "additionalModelRequestFields":{"thinking":{"type":"enabled","budget_tokens":1024}}}""").orElseThrow());
    }

    @Test
    void aFreeFormToolGoesUpstreamAsAFunctionTakingOneStringAndItsCallsAsThatFunctionsCalls() {
        JsonNode body = ConverseRequestEncoder.encode(CustomToolFixture.request("m"));

        JsonNode spec = body.path("toolConfig").path("tools").get(0).path("toolSpec");
        assertThat(spec.path("name").asText()).isEqualTo("apply_patch");
        assertThat(spec.path("inputSchema").path("json")).isEqualTo(Json.parse(CustomToolFixture.SCHEMA).orElseThrow());
        assertThat(spec.path("description").asText()).startsWith("Edits files.").contains("lark grammar", CustomToolFixture.GRAMMAR);
        JsonNode call = body.path("messages").get(1).path("content").get(0).path("toolUse");
        assertThat(call.path("input").path("input").asText()).isEqualTo(CustomToolFixture.PATCH);
        assertThat(body.path("messages").get(2).path("content").get(0).path("toolResult").path("toolUseId").asText()).isEqualTo("call_1");
    }

    @Test
    void noToolChoiceLeavesTheToolsOutOfAConversationWithoutToolCalls() {
        ChatRequest request = new ChatRequest("m", List.of(), List.of(Message.user("Hi.")), List.of(WEATHER), new ToolChoice.None(), null, Map.of());

        assertThat(ConverseRequestEncoder.encode(request).has("toolConfig")).isFalse();
    }

    @Test
    void noToolChoiceCannotBeHonouredOnceToolsWereCalled() {
        ChatRequest request = new ChatRequest("m", List.of(), List.of(Message.user("Go."),
                new Message(Role.ASSISTANT, List.of(new ContentBlock.ToolUse("t", "get_weather", "{}", ToolKind.FUNCTION))),
                new Message(Role.USER, List.of(new ContentBlock.ToolResult("t", List.of(new ContentBlock.Text("18 C")), false)))),
                List.of(WEATHER), new ToolChoice.None(), null, Map.of());

        assertThatThrownBy(() -> ConverseRequestEncoder.encode(request))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE));
    }

    @Test
    void imagesByUrlAreRefusedAsUnsupported() {
        ChatRequest request = ChatRequest.of("m", List.of(new Message(Role.USER, List.of(new ContentBlock.Image("https://example.com/cat.png")))));

        assertThatThrownBy(() -> ConverseRequestEncoder.encode(request))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE);
                    assertThat(e.getMessage()).contains("data: URL");
                });
    }

    @Test
    void documentsGoAsConverseDocumentsWithValidDistinctNames() {
        ChatRequest request = ChatRequest.of("client-model", List.of(new Message(Role.USER, List.of(
                new ContentBlock.Text("Compare."),
                new ContentBlock.Document(DocumentType.PDF, "JVBERi0xLjQK", "Q3 report.final.PDF"),
                new ContentBlock.Document(DocumentType.PDF, "JVBERi0xLjQK", "Q3 report.final.pdf"),
                new ContentBlock.Document(DocumentType.CSV, "YSxiCg==", "données_ventes.csv"),
                new ContentBlock.Document(DocumentType.TEXT, "aGk=", "..."),
                new ContentBlock.Document(DocumentType.DOCX, "UEsDBA==", null)))));

        JsonNode content = ConverseRequestEncoder.encode(request).path("messages").get(0).path("content");

        assertThat(content.get(1)).isEqualTo(Json.parse("""
                {"document":{"format":"pdf","name":"Q3 report final","source":{"bytes":"JVBERi0xLjQK"}}}""").orElseThrow());
        assertThat(content.get(2).path("document").path("name").asText()).isEqualTo("Q3 report final (2)");
        assertThat(content.get(3).path("document").path("name").asText()).isEqualTo("donnees ventes");
        assertThat(content.get(3).path("document").path("format").asText()).isEqualTo("csv");
        assertThat(content.get(4).path("document").path("name").asText()).isEqualTo("document 4");
        assertThat(content.get(5).path("document").path("name").asText()).isEqualTo("document 5");
        assertThat(content.get(5).path("document").path("format").asText()).isEqualTo("docx");
    }

    @Test
    void aDocumentWithoutTextBesideItOrOverBedrocksLimitIsRefused() {
        ChatRequest alone = ChatRequest.of("m", List.of(new Message(Role.USER, List.of(
                new ContentBlock.Document(DocumentType.PDF, "JVBERi0xLjQK", null)))));
        assertThatThrownBy(() -> ConverseRequestEncoder.encode(alone)).isInstanceOfSatisfying(QuarryException.class,
                e -> assertThat(e.getMessage()).contains("text block beside a document"));
        String large = "A".repeat((int) (Documents.BEDROCK_MAX_BYTES / 3 * 4 + 4));
        ChatRequest big = ChatRequest.of("nova-pro", List.of(new Message(Role.USER, List.of(new ContentBlock.Text("Read."),
                new ContentBlock.Document(DocumentType.PDF, large, null)))));
        assertThatThrownBy(() -> ConverseRequestEncoder.encode(big)).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE);
            assertThat(e.getMessage()).contains("Model 'nova-pro'", "at most 4718592 bytes");
        });
    }
}
