package dev.quarry.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.DocumentType;
import dev.quarry.canonical.Documents;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.ToolSpec;
import dev.quarry.guardrails.GuardedText.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestTextsTest {
    private static final ChatRequest REQUEST = new ChatRequest("m", List.of(new ContentBlock.Text("You are a support assistant.")), List.of(
            Message.user("Refund ann@example.com"),
            new Message(Role.ASSISTANT, List.of(new ContentBlock.ToolUse("t1", "refund", "{\"email\":\"ann@example.com\"}", ToolKind.FUNCTION))),
            new Message(Role.USER, List.of(new ContentBlock.ToolResult("t1", List.of(new ContentBlock.Text("refunded ann@example.com")), false)))),
            List.of(), ToolChoice.AUTO, InferenceConfig.DEFAULTS, Map.of());

    /** Everything around the conversation that a provider is sent as well. */
    private static final ChatRequest FIELDS = new ChatRequest("m", List.of(), List.of(
            new Message(Role.USER, List.of(new ContentBlock.Text("look"), new ContentBlock.Image("https://x.example/img.png?card=4111"),
                    new ContentBlock.Image("data:image/png;base64,AAAA"))),
            new Message(Role.ASSISTANT, List.of(new ContentBlock.Reasoning("signed thought", "sig"), new ContentBlock.Reasoning("loose thought", null)))),
            List.of(ToolSpec.function("lookup", "Looks a customer up", "{\"type\":\"object\",\"properties\":{\"id\":{\"enum\":[\"A1\"]}}}"),
                    new ToolSpec("shell", null, null, ToolKind.CUSTOM, "{\"type\":\"grammar\"}")),
            new ToolChoice.Named("lookup"), new InferenceConfig(null, null, null, List.of("STOP")),
            Map.of("user", "ann@example.com", "response_format", Map.of("json_schema", Map.of("name", "reply")), "seed", 7));

    @Test
    void everyTextThatLeavesIsCollectedAndWhatUsersSentIsOpenToTheAttackFilter() {
        List<GuardedText> texts = RequestTexts.of(REQUEST);
        assertThat(texts).extracting(GuardedText::text).containsExactly("You are a support assistant.", "Refund ann@example.com",
                "t1", "refund", "{\"email\":\"ann@example.com\"}", "t1", "refunded ann@example.com");
        assertThat(texts).filteredOn(GuardedText::userWritten).extracting(GuardedText::path)
                .containsExactly("messages[0].content[0]", "messages[2].content[0].content[0]");
    }

    @Test
    void fieldsBesideTheConversationAreReadWithWhatCanBeDoneToThem() {
        List<GuardedText> texts = RequestTexts.of(FIELDS);
        assertThat(texts).extracting(t -> t.path() + " " + t.kind() + " " + t.text()).containsExactly(
                "messages[0].content[0] CONVERSATION look",
                "messages[0].content[1].url FIXED https://x.example/img.png?card=4111",
                "messages[1].content[0].reasoning FIXED signed thought",
                "messages[1].content[0].signature FIXED sig",
                "messages[1].content[1].reasoning FREE_TEXT loose thought",
                "tools[0].name FIXED lookup",
                "tools[0].description FREE_TEXT Looks a customer up",
                "tools[0].input_schema JSON {\"type\":\"object\",\"properties\":{\"id\":{\"enum\":[\"A1\"]}}}",
                "tools[1].name FIXED shell",
                "tools[1].format JSON {\"type\":\"grammar\"}",
                "tool_choice.name FIXED lookup",
                "stop_sequences[0] FIXED STOP",
                "response_format JSON {\"json_schema\":{\"name\":\"reply\"}}",
                "seed JSON 7",
                "user FREE_TEXT ann@example.com");
    }

    @Test
    void theRequestIsRebuiltWithItsTextsReplacedAndEverythingElseKept() {
        ChatRequest replaced = RequestTexts.replace(REQUEST, List.of("S", "Refund {EMAIL}", "t1", "refund", "{\"email\":\"{EMAIL}\"}", "t1",
                "refunded {EMAIL}"));
        assertThat(replaced.systemText()).isEqualTo("S");
        assertThat(replaced.messages().get(1).content().getFirst())
                .isEqualTo(new ContentBlock.ToolUse("t1", "refund", "{\"email\":\"{EMAIL}\"}", ToolKind.FUNCTION));
        assertThat(replaced.messages().get(2).content().getFirst())
                .isEqualTo(new ContentBlock.ToolResult("t1", List.of(new ContentBlock.Text("refunded {EMAIL}")), false));
        assertThat(RequestTexts.of(replaced)).hasSize(7);
    }

    @Test
    void freeTextFieldsAreRewrittenAndFixedOnesKept() {
        List<String> replacements = RequestTexts.of(FIELDS).stream().map(t -> t.kind() == Kind.FIXED ? "changed" : t.text().toUpperCase()).toList();
        ChatRequest replaced = RequestTexts.replace(FIELDS, replacements);
        assertThat(replaced.extensions()).containsEntry("user", "ANN@EXAMPLE.COM").containsEntry("seed", 7)
                .containsEntry("response_format", FIELDS.extensions().get("response_format"));
        assertThat(replaced.tools().getFirst()).isEqualTo(ToolSpec.function("lookup", "LOOKS A CUSTOMER UP", FIELDS.tools().getFirst().inputSchema()));
        assertThat(replaced.messages().get(0).content().get(1)).isEqualTo(new ContentBlock.Image("https://x.example/img.png?card=4111"));
        assertThat(replaced.messages().get(1).content()).containsExactly(new ContentBlock.Reasoning("signed thought", "sig"),
                new ContentBlock.Reasoning("LOOSE THOUGHT", null));
        assertThat(replaced.toolChoice()).isEqualTo(new ToolChoice.Named("lookup"));
        assertThat(replaced.config().stopSequences()).containsExactly("STOP");
    }

    /** A text document is conversation the user sent, anonymised in place; a PDF's bytes are not read; names are fixed values. */
    @Test
    void textDocumentsAreReadAndRewrittenBinaryOnesOnlyByTheirName() {
        ChatRequest request = ChatRequest.of("m", List.of(new Message(Role.USER, List.of(
                Documents.text(DocumentType.CSV, "name,email\nAnn,ann@example.com\n", "data", "customers.csv", "title"),
                new ContentBlock.Document(DocumentType.PDF, "JVBERi0xLjQK", "scan.pdf")))));

        assertThat(RequestTexts.of(request)).containsExactly(
                new GuardedText("messages[0].content[0].name", "customers.csv", Kind.FIXED, false),
                new GuardedText("messages[0].content[0].document", "name,email\nAnn,ann@example.com\n", Kind.CONVERSATION, true),
                new GuardedText("messages[0].content[1].name", "scan.pdf", Kind.FIXED, false));

        ChatRequest replaced = RequestTexts.replace(request, List.of("customers.csv", "name,email\nAnn,{EMAIL}\n", "scan.pdf"));
        var csv = (ContentBlock.Document) replaced.messages().getFirst().content().get(0);
        assertThat(csv.text()).isEqualTo("name,email\nAnn,{EMAIL}\n");
        assertThat(csv.type()).isEqualTo(DocumentType.CSV);
        assertThat(csv.name()).isEqualTo("customers.csv");
        assertThat(replaced.messages().getFirst().content().get(1)).isSameAs(request.messages().getFirst().content().get(1));
    }
}
