package dev.quarry.surface.anthropic;

import dev.quarry.canonical.DocumentType;
import dev.quarry.canonical.ContentBlock.Document;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock.CachePoint;
import dev.quarry.canonical.ContentBlock.Image;
import dev.quarry.canonical.ContentBlock.Reasoning;
import dev.quarry.canonical.ContentBlock.Text;
import dev.quarry.canonical.ContentBlock.ToolResult;
import dev.quarry.canonical.ContentBlock.ToolUse;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.ToolSpec;
import dev.quarry.surface.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AnthropicMessagesDecoderTest {

    @Test
    void aRichRequestKeepsEveryBlockInOrderWithItsCachePoints() {
        MessagesCall call = decode("""
                {"model": "claude-sonnet-4-5", "max_tokens": 2048, "stream": true,
                 "temperature": 0.2, "top_p": 0.9, "top_k": 40, "stop_sequences": ["END"],
                 "metadata": {"user_id": "u-1"}, "thinking": {"type": "enabled", "budget_tokens": 1024},
                 "context_management": {"edits": []}, "some_future_field": {"x": 1},
                 "system": [
                   {"type": "text", "text": "You are Claude Code."},
                   {"type": "text", "text": "Project rules.", "cache_control": {"type": "ephemeral", "ttl": "1h"}}
                 ],
                 "messages": [
                   {"role": "user", "content": [
                     {"type": "text", "text": "Look at these."},
                     {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                     {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}, "cache_control": {"type": "ephemeral"}}
                   ]},
                   {"role": "system", "content": "Mid-conversation reminder."},
                   {"role": "assistant", "content": [
                     {"type": "thinking", "thinking": "Let me check.", "signature": "sig-1"},
                     {"type": "redacted_thinking", "data": "opaque-bytes"},
                     {"type": "text", "text": "I will read the file."},
                     {"type": "tool_use", "id": "toolu_1", "name": "Read", "input": {"file_path": "/tmp/a.txt"}},
                     {"type": "tool_use", "id": "toolu_2", "name": "Bash", "input": {"command": "ls"}}
                   ]},
                   {"role": "user", "content": [
                     {"type": "tool_result", "tool_use_id": "toolu_1", "content": "hello"},
                     {"type": "tool_result", "tool_use_id": "toolu_2", "is_error": true, "content": [
                       {"type": "text", "text": "ls: cannot access"},
                       {"type": "text", "text": "exit 2", "cache_control": {"type": "ephemeral"}}
                     ]}
                   ]}
                 ]}
                """);
        ChatRequest r = call.request();

        assertThat(call.stream()).isTrue();
        assertThat(r.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(r.system()).containsExactly(new Text("You are Claude Code."), new Text("Project rules."), new CachePoint(),
                new Text("Mid-conversation reminder."));
        assertThat(r.messages()).containsExactly(
                new Message(Role.USER, List.of(new Text("Look at these."), new Image("data:image/png;base64,iVBORw0KGgo="),
                        new Image("https://example.com/cat.jpg"), new CachePoint())),
                new Message(Role.ASSISTANT, List.of(new Reasoning("Let me check.", "sig-1"), new Reasoning("", "opaque-bytes"),
                        new Text("I will read the file."),
                        new ToolUse("toolu_1", "Read", "{\"file_path\":\"/tmp/a.txt\"}", ToolKind.FUNCTION),
                        new ToolUse("toolu_2", "Bash", "{\"command\":\"ls\"}", ToolKind.FUNCTION))),
                new Message(Role.USER, List.of(
                        new ToolResult("toolu_1", List.of(new Text("hello")), false),
                        new ToolResult("toolu_2", List.of(new Text("ls: cannot access"), new Text("exit 2")), true),
                        new CachePoint())));
        assertThat(r.config().maxTokens()).isEqualTo(2048);
        assertThat(r.config().temperature()).isEqualTo(0.2);
        assertThat(r.config().topP()).isEqualTo(0.9);
        assertThat(r.config().stopSequences()).containsExactly("END");
        assertThat(r.extensions()).containsOnly(
                Map.entry("top_k", 40),
                Map.entry("metadata", Map.of("user_id", "u-1")),
                Map.entry("thinking", Map.of("type", "enabled", "budget_tokens", 1024)),
                Map.entry("context_management", Map.of("edits", List.of())));
    }

    @Test
    void aToolSearchResultNamesTheToolsItLoadedAndAnEmptyResultIsKept() {
        ChatRequest r = decode("""
                {"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": [
                  {"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "tool_reference", "tool_name": "WebFetch"}]},
                  {"type": "tool_result", "tool_use_id": "toolu_2"}
                ]}]}
                """).request();
        assertThat(r.messages().getFirst().content()).containsExactly(
                new ToolResult("toolu_1", List.of(new Text("Tool WebFetch is loaded and can be called now.")), false),
                new ToolResult("toolu_2", List.of(), false));
    }

    @Test
    void systemMayBeAPlainStringAndStreamDefaultsToFalse() {
        MessagesCall call = decode("""
                {"model": "m", "max_tokens": 10, "system": "Be brief.", "messages": [{"role": "user", "content": "hi"}]}
                """);
        assertThat(call.stream()).isFalse();
        assertThat(call.request().system()).containsExactly(new Text("Be brief."));
        assertThat(call.request().messages()).containsExactly(Message.user("hi"));
        assertThat(call.request().toolChoice()).isEqualTo(ToolChoice.AUTO);
    }

    @Test
    void clientToolsBecomeFunctionToolsWhateverTheirExtraFields() {
        ChatRequest r = decode("""
                {"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}],
                 "tools": [
                   {"name": "Bash", "description": "Run a command", "input_schema": {"type": "object", "properties": {"command": {"type": "string"}}}},
                   {"type": "custom", "name": "Later", "input_schema": {"type": "object"}, "defer_loading": true, "cache_control": {"type": "ephemeral"}}
                 ],
                 "tool_choice": {"type": "tool", "name": "Bash", "disable_parallel_tool_use": true}}
                """).request();
        assertThat(r.tools()).containsExactly(
                ToolSpec.function("Bash", "Run a command", "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"}}}"),
                ToolSpec.function("Later", null, "{\"type\":\"object\"}"));
        assertThat(r.toolChoice()).isEqualTo(new ToolChoice.Named("Bash"));
        assertThat(r.extensions()).containsEntry("parallel_tool_calls", false);
    }

    @ParameterizedTest
    @CsvSource({"auto, Auto", "any, Any", "none, None"})
    void toolChoiceTypes(String type, String canonical) {
        ChatRequest r = decode("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tool_choice\":{\"type\":\"" + type + "\"}}").request();
        assertThat(r.toolChoice().getClass().getSimpleName()).isEqualTo(canonical);
        assertThat(r.extensions()).doesNotContainKey("parallel_tool_calls");
    }

    @Test
    void maxTokensIsRequiredAsAnthropicRequiresIt() {
        assertRefused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                ErrorKind.INVALID_REQUEST, "max_tokens", "Missing required parameter: 'max_tokens'");
        assertRefused("{\"model\":\"m\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                ErrorKind.INVALID_REQUEST, "max_tokens", "at least 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"web_search_20250305", "bash_20250124", "text_editor_20250728", "code_execution_20250825", "computer_20250124"})
    void anthropicDefinedToolsAreRefusedByTheirType(String type) {
        assertRefused("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"" + type + "\",\"name\":\"x\"}]}", ErrorKind.UNSUPPORTED_FEATURE, "tools[0].type", type);
    }

    @Test
    void blocksMustSuitTheirAuthor() {
        assertRefused("""
                {"model":"m","max_tokens":1,"messages":[{"role":"user","content":[
                  {"type":"tool_use","id":"t","name":"n","input":{}}]}]}
                """, ErrorKind.INVALID_REQUEST, "messages[0].content[0].type", "cannot appear in a user message");
        assertRefused("""
                {"model":"m","max_tokens":1,"system":[{"type":"image","source":{"type":"url","url":"https://x"}}],
                 "messages":[{"role":"user","content":"hi"}]}
                """, ErrorKind.INVALID_REQUEST, "system[0].type", "cannot appear in a system message");
    }

    @Test
    void unsupportedBlocksAndSourcesAreNamed() {
        assertRefused("""
                {"model":"m","max_tokens":1,"messages":[{"role":"user","content":[
                  {"type":"search_result","source":"https://x.test","title":"t","content":[{"type":"text","text":"x"}]}]}]}
                """, ErrorKind.UNSUPPORTED_FEATURE, "messages[0].content[0].type", "'search_result'");
        assertRefused("""
                {"model":"m","max_tokens":1,"messages":[{"role":"user","content":[
                  {"type":"image","source":{"type":"file","file_id":"file_1"}}]}]}
                """, ErrorKind.UNSUPPORTED_FEATURE, "messages[0].content[0].source.type", "'file'");
    }

    @Test
    void badShapesNameTheirPath() {
        assertRefused("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[]}", ErrorKind.INVALID_REQUEST, "messages", "at least one");
        assertRefused("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"system\",\"content\":\"only rules\"}]}",
                ErrorKind.INVALID_REQUEST, "messages", "no user or assistant message");
        assertRefused("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}",
                ErrorKind.INVALID_REQUEST, "messages[0].role", "user, assistant or system");
        assertRefused("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":42}]}",
                ErrorKind.INVALID_REQUEST, "messages[0].content", "string or an array");
        assertRefused("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tool_choice\":\"auto\"}",
                ErrorKind.INVALID_REQUEST, "tool_choice", "must be an object");
        assertRefused("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"name\":\"x\"}]}", ErrorKind.INVALID_REQUEST, "tools[0].input_schema", "Missing required parameter");
        assertRefused("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\","
                + "\"cache_control\":\"ephemeral\"}]}]}", ErrorKind.INVALID_REQUEST, "messages[0].content[0].cache_control", "object");
    }

    @Test
    void tokenCountingNeedsNoMaxTokens() {
        ChatRequest r = TokenCounts.decode(Json.parseObject("""
                {"model": "m", "system": "Rules.", "messages": [{"role": "user", "content": "Count me"}]}
                """.getBytes(StandardCharsets.UTF_8)));
        assertThat(r.config().maxTokens()).isNull();
        assertThat(r.systemText()).isEqualTo("Rules.");
        assertThat(Json.parseObject(TokenCounts.encode(42)).get("input_tokens").asLong()).isEqualTo(42);
    }

    private static MessagesCall decode(String json) {
        return MessagesDecoder.decode(Json.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertRefused(String json, ErrorKind kind, String param, String messageFragment) {
        assertThatThrownBy(() -> decode(json)).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.error().param()).isEqualTo(param);
            assertThat(e.getMessage()).contains(messageFragment);
        });
    }

    @Test
    void documentBlocksBecomeDocumentsTheirTitleTheNameTheirContextATextAfterThem() {
        var content = decode("""
                {"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": [
                  {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjQK"},
                   "title": "Q3 report", "context": "Written by finance.", "citations": {"enabled": false}, "cache_control": {"type": "ephemeral"}},
                  {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "Plain notes."}},
                  {"type": "text", "text": "Compare them."}]}]}""").request().messages().getFirst().content();
        assertThat(content).hasSize(5);
        assertThat(content.get(0)).isEqualTo(new Document(DocumentType.PDF, "JVBERi0xLjQK", "Q3 report"));
        assertThat(content.get(1)).isEqualTo(new Text("Written by finance."));
        assertThat(content.get(2)).isInstanceOf(CachePoint.class);
        assertThat(((Document) content.get(3)).text()).isEqualTo("Plain notes.");
        assertThat(((Document) content.get(3)).name()).isNull();
    }

    @Test
    void documentSourcesQuarryCannotHonourAreRefused() {
        String block = "{\"model\": \"m\", \"max_tokens\": 10, \"messages\": [{\"role\": \"user\", \"content\": [%s]}]}";
        assertRefused(block.formatted("{\"type\": \"document\", \"source\": {\"type\": \"url\", \"url\": \"https://x.test/a.pdf\"}}"),
                ErrorKind.UNSUPPORTED_FEATURE, "messages[0].content[0].source.type", "does not fetch URLs");
        assertRefused(block.formatted("{\"type\": \"document\", \"source\": {\"type\": \"file\", \"file_id\": \"file_1\"}}"),
                ErrorKind.UNSUPPORTED_FEATURE, "messages[0].content[0].source.type", "no Files API");
        assertRefused(block.formatted("{\"type\": \"document\", \"source\": {\"type\": \"base64\", \"media_type\": \"text/csv\", "
                + "\"data\": \"YQ==\"}}"), ErrorKind.INVALID_REQUEST, "messages[0].content[0].source.media_type", "'application/pdf'");
        assertRefused(block.formatted("{\"type\": \"document\", \"source\": {\"type\": \"base64\", \"media_type\": \"application/pdf\", "
                + "\"data\": \"JVBERi0xLjQK\"}, \"citations\": {\"enabled\": true}}"), ErrorKind.UNSUPPORTED_FEATURE,
                "messages[0].content[0].citations.enabled", "citations");
        assertRefused("{\"model\": \"m\", \"max_tokens\": 10, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": "
                + "\"assistant\", \"content\": [{\"type\": \"document\", \"source\": {\"type\": \"text\", \"media_type\": \"text/plain\", "
                + "\"data\": \"x\"}}]}]}", ErrorKind.INVALID_REQUEST, "messages[1].content[0].type", "cannot appear in a assistant message");
    }
}
