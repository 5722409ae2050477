package dev.quarry.provider.gemini.internal;

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

class GenerateContentRequestEncoderTest {
    private static final ToolSpec WEATHER = ToolSpec.function("get_weather", "The weather in a city.", """
            {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":false,
             "properties":{"city":{"type":"string","format":"uri","minLength":1},
                           "unit":{"type":["string","null"],"enum":["C","F"]},
                           "days":{"type":"array","items":{"type":"integer","minimum":1},"maxItems":7},
                           "mode":{"const":"fast"},
                           "where":{"oneOf":[{"type":"string"},{"type":"object","properties":{"lat":{"type":"number"}}}]}},
             "required":["city","ghost"]}""");

    @Test
    void aRichConversationIsEncodedAsContentsWithSystemInstructionToolsAndGenerationConfig() {
        ChatRequest request = new ChatRequest("client-model",
                List.of(new ContentBlock.Text("Be brief."), new ContentBlock.CachePoint()),
                List.of(
                        new Message(Role.USER, List.of(new ContentBlock.Text("What is here?"),
                                new ContentBlock.Image("data:image/png;base64,AAAA"), new ContentBlock.Image("https://example.com/cat.jpg"))),
                        new Message(Role.ASSISTANT, List.of(
                                new ContentBlock.Reasoning("They want weather.", null),
                                new ContentBlock.Reasoning("", "sig-1"),
                                new ContentBlock.ToolUse("call_1", "get_weather", "{\"city\":\"Paris\"}", ToolKind.FUNCTION),
                                new ContentBlock.Reasoning("", "sig-2"))),
                        new Message(Role.USER, List.of(
                                new ContentBlock.ToolResult("call_1", List.of(new ContentBlock.Text("18 C")), false),
                                new ContentBlock.Text("And tomorrow?")))),
                List.of(WEATHER, ToolSpec.function("now", null, null)),
                new ToolChoice.Named("get_weather"),
                new InferenceConfig(256, 0.2, 0.9, List.of("END")),
                Map.of("thinking", Map.of("type", "enabled", "budget_tokens", 1024)));

        JsonNode body = GenerateContentRequestEncoder.encode(request);

        assertThat(body).isEqualTo(json("""
                {"contents":[
                   {"role":"user","parts":[{"text":"What is here?"},{"inlineData":{"mimeType":"image/png","data":"AAAA"}},
                                           {"fileData":{"fileUri":"https://example.com/cat.jpg"}}]},
                   {"role":"model","parts":[
                     {"functionCall":{"id":"call_1","name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"sig-1"},
                     {"text":"","thoughtSignature":"sig-2"}]},
                   {"role":"user","parts":[{"functionResponse":{"id":"call_1","name":"get_weather","response":{"result":"18 C"}}},
                                           {"text":"And tomorrow?"}]}],
                 "systemInstruction":{"parts":[{"text":"Be brief."}]},
                 "tools":[{"functionDeclarations":[
                   {"name":"get_weather","description":"The weather in a city.","parameters":{"type":"OBJECT",
                     "properties":{"city":{"type":"STRING","minLength":1},
                                   "unit":{"type":"STRING","nullable":true,"enum":["C","F"]},
                                   "days":{"type":"ARRAY","items":{"type":"INTEGER","minimum":1},"maxItems":7},
                                   "mode":{"enum":["fast"]},
                                   "where":{"anyOf":[{"type":"STRING"},{"type":"OBJECT","properties":{"lat":{"type":"NUMBER"}}}]}},
                     "required":["city"]}},
                   {"name":"now"}]}],
                 "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_weather"]}},
                 "generationConfig":{"maxOutputTokens":256,"temperature":0.2,"topP":0.9,"stopSequences":["END"],
                                     "thinkingConfig":{"includeThoughts":true,"thinkingBudget":1024}}}"""));
    }

    @Test
    void aToolResultThatIsAJsonObjectGoesAsItIsAndAFailedOneAsAnError() {
        List<Message> conversation = List.of(Message.user("Go."),
                new Message(Role.ASSISTANT, List.of(
                        new ContentBlock.ToolUse("a", "first", "{}", ToolKind.FUNCTION), new ContentBlock.ToolUse("b", "second", "", ToolKind.FUNCTION))),
                new Message(Role.USER, List.of(
                        new ContentBlock.ToolResult("a", List.of(new ContentBlock.Text("{\"ok\":true}")), false),
                        new ContentBlock.ToolResult("b", List.of(new ContentBlock.Text("boom")), true))));

        JsonNode parts = GenerateContentRequestEncoder.encode(ChatRequest.of("m", conversation)).path("contents").get(2).path("parts");

        assertThat(parts.get(0).path("functionResponse").path("response").toString()).isEqualTo("{\"ok\":true}");
        assertThat(parts.get(1).path("functionResponse").path("response").toString()).isEqualTo("{\"error\":\"boom\"}");
    }

    @Test
    void aToolResultForNoKnownCallIsRefusedBecauseItsFunctionCannotBeNamed() {
        ChatRequest request = ChatRequest.of("m", List.of(new Message(Role.USER,
                List.of(new ContentBlock.ToolResult("call_unknown", List.of(new ContentBlock.Text("18 C")), false)))));

        assertThatThrownBy(() -> GenerateContentRequestEncoder.encode(request))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
                    assertThat(e.getMessage()).contains("call_unknown");
                });
    }

    @Test
    void toolChoicesMapToFunctionCallingModes() {
        assertThat(functionCalling(ToolChoice.AUTO)).isEqualTo("{\"mode\":\"AUTO\"}");
        assertThat(functionCalling(new ToolChoice.None())).isEqualTo("{\"mode\":\"NONE\"}");
        assertThat(functionCalling(new ToolChoice.Any())).isEqualTo("{\"mode\":\"ANY\"}");
    }

    @Test
    void disabledThinkingIsABudgetOfZero() {
        ChatRequest request = new ChatRequest("m", List.of(), List.of(Message.user("Hi.")), List.of(), null, null,
                Map.of("thinking", Map.of("type", "disabled")));

        assertThat(GenerateContentRequestEncoder.encode(request).path("generationConfig").toString())
                .isEqualTo("{\"thinkingConfig\":{\"thinkingBudget\":0}}");
    }

    @Test
    void aFreeFormToolGoesUpstreamAsAFunctionTakingOneStringAndItsCallsAsThatFunctionsCalls() {
        JsonNode body = GenerateContentRequestEncoder.encode(CustomToolFixture.request("m"));

        JsonNode declaration = body.path("tools").get(0).path("functionDeclarations").get(0);
        assertThat(declaration.path("name").asText()).isEqualTo("apply_patch");
        assertThat(declaration.path("parameters").path("properties").path("input").path("type").asText()).isEqualToIgnoringCase("string");
        assertThat(declaration.path("parameters").path("required").toString()).isEqualTo("[\"input\"]");
        assertThat(declaration.path("description").asText()).startsWith("Edits files.").contains("lark grammar", CustomToolFixture.GRAMMAR);
        JsonNode call = body.path("contents").get(1).path("parts").get(0).path("functionCall");
        assertThat(call.path("args").path("input").asText()).isEqualTo(CustomToolFixture.PATCH);
        assertThat(body.path("contents").get(2).path("parts").get(0).path("functionResponse").path("name").asText()).isEqualTo("apply_patch");
    }

    private static String functionCalling(ToolChoice choice) {
        ChatRequest request = new ChatRequest("m", List.of(), List.of(Message.user("Hi.")), List.of(WEATHER), choice, null, Map.of());
        return GenerateContentRequestEncoder.encode(request).path("toolConfig").path("functionCallingConfig").toString();
    }

    private static JsonNode json(String text) {
        return Json.parse(text).orElseThrow();
    }

    @Test
    void documentsGoAsInlineDataUnderGeminisMediaTypes() {
        ChatRequest request = ChatRequest.of("m", List.of(new Message(Role.USER, List.of(new ContentBlock.Text("Compare."),
                new ContentBlock.Document(DocumentType.PDF, "JVBERi0xLjQK", "Q3 report"),
                new ContentBlock.Document(DocumentType.MARKDOWN, "IyBOb3Rlcw==", null)))));
        JsonNode parts = GenerateContentRequestEncoder.encode(request).path("contents").get(0).path("parts");
        assertThat(parts.get(1)).isEqualTo(json("{\"inlineData\":{\"mimeType\":\"application/pdf\",\"data\":\"JVBERi0xLjQK\"}}"));
        assertThat(parts.get(2)).isEqualTo(json("{\"inlineData\":{\"mimeType\":\"text/md\",\"data\":\"IyBOb3Rlcw==\"}}"));

        ChatRequest docx = ChatRequest.of("gemini-2.5-pro", List.of(new Message(Role.USER, List.of(
                new ContentBlock.Document(DocumentType.DOCX, "UEsDBA==", null)))));
        assertThatThrownBy(() -> GenerateContentRequestEncoder.encode(docx)).isInstanceOfSatisfying(QuarryException.class,
                e -> assertThat(e.getMessage()).contains("Model 'gemini-2.5-pro'", "Gemini generateContent", "docx document"));
    }
}
