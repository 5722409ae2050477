package dev.quarry.provider.openai.internal;

import dev.quarry.canonical.DocumentType;
import static dev.quarry.provider.openai.internal.ChatCompletionsRequestEncoderTest.json;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponsesRequestEncoderTest {
    private static final ToolSpec SHELL = ToolSpec.function("shell", "Runs a command.",
            "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"}}}");
    private static final ToolSpec APPLY_PATCH = new ToolSpec("apply_patch", "Edits files.", null, ToolKind.CUSTOM,
            "{\"type\":\"grammar\",\"syntax\":\"lark\",\"definition\":\"start: /.+/\"}");

    @Test
    void aRichConversationIsEncodedAsInputItemsInOrder() {
        ChatRequest request = new ChatRequest("client-model",
                List.of(new ContentBlock.Text("You are a coding agent.")),
                List.of(
                        new Message(Role.USER, List.of(new ContentBlock.Text("Fix the bug."), new ContentBlock.Image("https://example.com/bug.png"))),
                        new Message(Role.ASSISTANT, List.of(
                                new ContentBlock.Reasoning("Look first.", null),
                                new ContentBlock.Text("Looking."),
                                new ContentBlock.ToolUse("call_1", "shell", "{\"command\":\"ls\"}", ToolKind.FUNCTION),
                                new ContentBlock.ToolUse("call_2", "apply_patch", "*** Begin Patch", ToolKind.CUSTOM))),
                        new Message(Role.USER, List.of(
                                new ContentBlock.ToolResult("call_1", List.of(new ContentBlock.Text("a.txt")), false),
                                new ContentBlock.ToolResult("call_2", List.of(new ContentBlock.Text("Done!")), false),
                                new ContentBlock.Text("Thanks.")))),
                List.of(SHELL, APPLY_PATCH),
                ToolChoice.AUTO,
                new InferenceConfig(1000, 0.5, 1.0, List.of()),
                Map.of("reasoning_effort", "high", "parallel_tool_calls", false, "text", Map.of("verbosity", "low"), "seed", 7));

        JsonNode body = ResponsesRequestEncoder.encode(request, "gpt-5-codex");

        assertThat(body).isEqualTo(json("""
                {"model":"gpt-5-codex",
                 "instructions":"You are a coding agent.",
                 "input":[
                   {"type":"message","role":"user","content":[{"type":"input_text","text":"Fix the bug."},{"type":"input_image","image_url":"https://example.com/bug.png"}]},
                   {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Looking."}]},
                   {"type":"function_call","call_id":"call_1","name":"shell","arguments":"{\\"command\\":\\"ls\\"}"},
                   {"type":"custom_tool_call","call_id":"call_2","name":"apply_patch","input":"*** Begin Patch"},
                   {"type":"function_call_output","call_id":"call_1","output":"a.txt"},
                   {"type":"custom_tool_call_output","call_id":"call_2","output":"Done!"},
                   {"type":"message","role":"user","content":[{"type":"input_text","text":"Thanks."}]}],
                 "stream":true,
                 "store":false,
                 "tools":[
                   {"type":"function","name":"shell","description":"Runs a command.","parameters":{"type":"object","properties":{"command":{"type":"string"}}},"strict":false},
                   {"type":"custom","name":"apply_patch","description":"Edits files.","format":{"type":"grammar","syntax":"lark","definition":"start: /.+/"}}],
                 "tool_choice":"auto",
                 "max_output_tokens":1000,
                 "temperature":0.5,
                 "top_p":1.0,
                 "parallel_tool_calls":false,
                 "text":{"verbosity":"low"},
                 "reasoning":{"effort":"high"}}"""));
    }

    @Test
    void aToolResultWithImagesIsSentAsAListOfInputs() {
        ChatRequest request = ChatRequest.of("m", List.of(new Message(Role.USER, List.of(new ContentBlock.ToolResult("call_1",
                List.of(new ContentBlock.Text("Screenshot:"), new ContentBlock.Image("data:image/png;base64,AAAA")), false)))));

        JsonNode item = ResponsesRequestEncoder.encode(request, "m").path("input").get(0);

        assertThat(item).isEqualTo(json("""
                {"type":"function_call_output","call_id":"call_1","output":[
                  {"type":"input_text","text":"Screenshot:"},{"type":"input_image","image_url":"data:image/png;base64,AAAA"}]}"""));
    }

    @Test
    void aNamedToolChoiceSaysWhichKindOfToolItNames() {
        assertThat(namedChoice("shell")).isEqualTo(json("{\"type\":\"function\",\"name\":\"shell\"}"));
        assertThat(namedChoice("apply_patch")).isEqualTo(json("{\"type\":\"custom\",\"name\":\"apply_patch\"}"));
    }

    @Test
    void stopSequencesAreRefusedForTheResponsesApiHasNone() {
        ChatRequest request = new ChatRequest("m", List.of(), List.of(Message.user("Count.")), List.of(), ToolChoice.AUTO,
                new InferenceConfig(null, null, null, List.of("5")), Map.of());

        assertThatThrownBy(() -> ResponsesRequestEncoder.encode(request, "m"))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE);
                    assertThat(e.getMessage()).contains("stop");
                });
    }

    @Test
    void anImageFromTheAssistantIsRefusedRatherThanDropped() {
        ChatRequest request = ChatRequest.of("m", List.of(new Message(Role.ASSISTANT, List.of(new ContentBlock.Image("https://example.com/a.png")))));

        assertThatThrownBy(() -> ResponsesRequestEncoder.encode(request, "m"))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE);
                    assertThat(e.getMessage()).contains("Image", "assistant message");
                });
    }

    private static JsonNode namedChoice(String name) {
        ChatRequest request = new ChatRequest("m", List.of(), List.of(Message.user("Go.")), List.of(SHELL, APPLY_PATCH),
                new ToolChoice.Named(name), null, Map.of());
        return ResponsesRequestEncoder.encode(request, "m").path("tool_choice");
    }

    @Test
    void everyDocumentTypeGoesAsAnInputFileWithItsMediaType() {
        ChatRequest request = ChatRequest.of("m", List.of(new Message(Role.USER, List.of(new ContentBlock.Text("Read."),
                new ContentBlock.Document(DocumentType.DOCX, "UEsDBA==", "notes.docx")))));
        JsonNode content = ResponsesRequestEncoder.encode(request, "gpt").path("input").get(0).path("content");
        assertThat(content.get(1)).isEqualTo(json("""
                {"type":"input_file","filename":"notes.docx",
                 "file_data":"data:application/vnd.openxmlformats-officedocument.wordprocessingml.document;base64,UEsDBA=="}"""));
        ChatRequest titled = ChatRequest.of("m", List.of(new Message(Role.USER, List.of(new ContentBlock.Text("Read."),
                new ContentBlock.Document(DocumentType.PDF, "JVBERi0xLjQK", "Q3/Q4 report")))));
        assertThat(ResponsesRequestEncoder.encode(titled, "gpt").path("input").get(0).path("content").get(1).path("filename").asText())
                .as("OpenAI reads the type from the extension").isEqualTo("Q3-Q4 report.pdf");
    }
}
