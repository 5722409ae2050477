package dev.quarry.surface.bedrock;

import dev.quarry.canonical.DocumentType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolKind;
import dev.quarry.surface.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConverseDecoderTest {
    private static final String MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0";

    @Test
    void aFullConversationDecodes() {
        ChatRequest request = decode("""
                {
                  "system": [{"text": "You are terse."}, {"cachePoint": {"type": "default"}}],
                  "messages": [
                    {"role": "user", "content": [
                      {"text": "What is in this image?"},
                      {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}},
                      {"cachePoint": {"type": "default", "ttl": "1h"}}]},
                    {"role": "assistant", "content": [
                      {"reasoningContent": {"reasoningText": {"text": "Look closer.", "signature": "sig-1"}}},
                      {"toolUse": {"toolUseId": "t1", "name": "zoom", "input": {"factor": 2}}}]},
                    {"role": "user", "content": [
                      {"toolResult": {"toolUseId": "t1", "status": "error", "content": [{"text": "too far"}, {"json": {"code": 7}}]}}]}
                  ],
                  "inferenceConfig": {"maxTokens": 512, "temperature": 0.2, "topP": 0.9, "stopSequences": ["END"]},
                  "toolConfig": {
                    "tools": [{"toolSpec": {"name": "zoom", "description": "Zooms", "inputSchema": {"json": {"type": "object"}}}},
                              {"cachePoint": {"type": "default"}}],
                    "toolChoice": {"tool": {"name": "zoom"}}
                  },
                  "guardrailConfig": {"guardrailIdentifier": "gr-1", "guardrailVersion": "DRAFT", "trace": "enabled"},
                  "additionalModelRequestFields": {"top_k": 40}
                }
                """);

        assertThat(request.model()).isEqualTo(MODEL);
        assertThat(request.system()).containsExactly(new ContentBlock.Text("You are terse."), new ContentBlock.CachePoint());
        assertThat(request.messages()).extracting(m -> m.role()).containsExactly(Role.USER, Role.ASSISTANT, Role.USER);
        assertThat(request.messages().get(0).content()).containsExactly(new ContentBlock.Text("What is in this image?"),
                new ContentBlock.Image("data:image/png;base64,iVBORw0KGgo="), new ContentBlock.CachePoint());
        assertThat(request.messages().get(1).content()).containsExactly(new ContentBlock.Reasoning("Look closer.", "sig-1"),
                new ContentBlock.ToolUse("t1", "zoom", "{\"factor\":2}", ToolKind.FUNCTION));
        assertThat(request.messages().get(2).content()).containsExactly(new ContentBlock.ToolResult("t1",
                List.of(new ContentBlock.Text("too far"), new ContentBlock.Text("{\"code\":7}")), true));
        assertThat(request.config().maxTokens()).isEqualTo(512);
        assertThat(request.config().temperature()).isEqualTo(0.2);
        assertThat(request.config().topP()).isEqualTo(0.9);
        assertThat(request.config().stopSequences()).containsExactly("END");
        assertThat(request.tools()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("zoom");
            assertThat(t.inputSchema()).isEqualTo("{\"type\":\"object\"}");
        });
        assertThat(request.toolChoice()).isEqualTo(new ToolChoice.Named("zoom"));
        assertThat(request.extensions()).containsEntry("guardrailConfig",
                Map.of("guardrailIdentifier", "gr-1", "guardrailVersion", "DRAFT", "trace", "enabled"));
        assertThat(request.extensions()).containsEntry("additionalModelRequestFields", Map.of("top_k", 40));
    }

    @Test
    void redactedReasoningTravelsAsTheSignature() {
        ChatRequest request = decode("""
                {"messages": [{"role": "user", "content": [{"text": "hi"}]},
                              {"role": "assistant", "content": [{"reasoningContent": {"redactedContent": "b3BhcXVl"}}]}]}
                """);

        assertThat(request.messages().get(1).content()).containsExactly(new ContentBlock.Reasoning("", "b3BhcXVl"));
    }

    @Test
    void refusalsNameTheFieldAtFault() {
        assertRefused("{}", ErrorKind.INVALID_REQUEST, "messages");
        assertRefused("{\"messages\": [{\"role\": \"system\", \"content\": []}]}", ErrorKind.INVALID_REQUEST, "messages[0].role");
        assertRefused("{\"messages\": [{\"role\": \"user\", \"content\": [{\"toolUse\": {}}]}]}", ErrorKind.INVALID_REQUEST,
                "messages[0].content[0].toolUse");
        assertRefused("{\"messages\": [{\"role\": \"user\", \"content\": [{\"image\": {\"format\": \"png\", \"source\": {\"s3Location\": {}}}}]}]}",
                ErrorKind.UNSUPPORTED_FEATURE, "messages[0].content[0].image.source.s3Location");
        assertRefused("{\"messages\": [{\"role\": \"user\", \"content\": [{\"cachePoint\": {\"type\": \"forever\"}}]}]}",
                ErrorKind.INVALID_REQUEST, "messages[0].content[0].cachePoint.type");
        assertRefused("{\"messages\": [{\"role\": \"user\", \"content\": [{\"text\": \"hi\"}]}], \"guardrailConfig\": {\"guardrailIdentifier\": \"g\"}}",
                ErrorKind.INVALID_REQUEST, "guardrailConfig.guardrailVersion");
        assertRefused("{\"messages\": [{\"role\": \"user\", \"content\": [{\"text\": \"hi\"}]}], \"promptVariables\": {}}",
                ErrorKind.UNSUPPORTED_FEATURE, "promptVariables");
        assertRefused("{\"messages\": [{\"role\": \"user\", \"content\": [{\"text\": \"hi\"}]}], \"inferenceConfig\": {\"maxTokens\": 0}}",
                ErrorKind.INVALID_REQUEST, "inferenceConfig.maxTokens");
    }

    private static ChatRequest decode(String json) {
        return ConverseDecoder.decode(MODEL, Json.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertRefused(String json, ErrorKind kind, String param) {
        assertThatThrownBy(() -> decode(json)).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.error().param()).isEqualTo(param);
        });
    }

    @Test
    void documentBlocksBecomeDocumentsOfTheirFormat() {
        ChatRequest request = decode("""
                {"messages": [{"role": "user", "content": [
                  {"document": {"format": "pdf", "name": "Q3 report (final)", "source": {"bytes": "JVBERi0xLjQK"}}},
                  {"document": {"format": "md", "name": "notes", "source": {"text": "# Notes"}}},
                  {"text": "Compare them."}]}]}""");
        var content = request.messages().getFirst().content();
        assertThat(content.get(0)).isEqualTo(new ContentBlock.Document(DocumentType.PDF, "JVBERi0xLjQK", "Q3 report (final)"));
        assertThat(((ContentBlock.Document) content.get(1)).type()).isEqualTo(DocumentType.MARKDOWN);
        assertThat(((ContentBlock.Document) content.get(1)).text()).isEqualTo("# Notes");
    }

    @Test
    void documentsAreCheckedAsBedrockChecksThem() {
        String document = "{\"messages\": [{\"role\": \"user\", \"content\": [{\"document\": %s}, {\"text\": \"Read it.\"}]}]}";
        assertRefused(document.formatted("{\"format\": \"pdf\", \"name\": \"report.pdf\", \"source\": {\"bytes\": \"JVBERi0xLjQK\"}}"),
                ErrorKind.INVALID_REQUEST, "messages[0].content[0].document.name");
        assertRefused(document.formatted("{\"format\": \"pdf\", \"name\": \"two  spaces\", \"source\": {\"bytes\": \"JVBERi0xLjQK\"}}"),
                ErrorKind.INVALID_REQUEST, "messages[0].content[0].document.name");
        assertRefused(document.formatted("{\"format\": \"pdf\", \"name\": \"" + "a".repeat(201) + "\", \"source\": {\"bytes\": \"JVBERi0xLjQK\"}}"),
                ErrorKind.INVALID_REQUEST, "messages[0].content[0].document.name");
        assertRefused(document.formatted("{\"format\": \"exe\", \"name\": \"a\", \"source\": {\"bytes\": \"JVBERi0xLjQK\"}}"),
                ErrorKind.INVALID_REQUEST, "messages[0].content[0].document.format");
        assertRefused(document.formatted("{\"format\": \"pdf\", \"name\": \"a\", \"source\": {\"bytes\": \"not base64\"}}"),
                ErrorKind.INVALID_REQUEST, "messages[0].content[0].document.source.bytes");
        assertRefused(document.formatted("{\"format\": \"docx\", \"name\": \"a\", \"source\": {\"text\": \"hi\"}}"),
                ErrorKind.INVALID_REQUEST, "messages[0].content[0].document.format");
        assertRefused(document.formatted("{\"format\": \"pdf\", \"name\": \"a\", \"source\": {\"s3Location\": {\"uri\": \"s3://b/k\"}}}"),
                ErrorKind.UNSUPPORTED_FEATURE, "messages[0].content[0].document.source.s3Location");
        assertRefused(document.formatted("{\"format\": \"pdf\", \"name\": \"a\", \"context\": \"c\", \"source\": {\"bytes\": \"JVBERi0xLjQK\"}}"),
                ErrorKind.UNSUPPORTED_FEATURE, "messages[0].content[0].document.context");
        assertRefused(document.formatted("{\"format\": \"pdf\", \"name\": \"a\", \"citations\": {\"enabled\": true}, "
                + "\"source\": {\"bytes\": \"JVBERi0xLjQK\"}}"), ErrorKind.UNSUPPORTED_FEATURE, "messages[0].content[0].document.citations.enabled");
    }
}
