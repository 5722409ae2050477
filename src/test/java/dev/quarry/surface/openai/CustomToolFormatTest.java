package dev.quarry.surface.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.QuarryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CustomToolFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The shape of Codex's apply_patch grammar: rules, terminals, regex literals, alternatives on their own lines, an import. */
    private static final String PATCH_GRAMMAR = """
            start: begin_patch hunk+ end_patch
            begin_patch: "*** Begin Patch" LF
            end_patch: "*** End Patch" LF?

            hunk: add_hunk | delete_hunk | update_hunk
            add_hunk: "*** Add File: " filename LF add_line+
            delete_hunk: "*** Delete File: " filename LF
            update_hunk: "*** Update File: " filename LF change_move? change?
            filename: /(.+)/
            add_line: "+" /(.*)/ LF -> line

            change_move: "*** Move to: " filename LF
            change: (change_context | change_line)+ eof_line?
            change_context: ("@@" | "@@ " /(.+)/) LF
            change_line: ("+" | "-" | " ") /(.*)/ LF
            eof_line: "*** End of File" LF
               | "*** End of File" // a comment with ( in it
            %import common.LF
            """;

    private static ObjectNode grammar(String syntax, String definition) {
        return JSON.createObjectNode().put("type", "grammar").put("syntax", syntax).put("definition", definition);
    }

    private static String problem(ObjectNode format) {
        try {
            CustomToolFormat.responses(format, "t", "tools[0].format");
            return null;
        } catch (QuarryException e) {
            return e.getMessage();
        }
    }

    @Test
    void textGrammarsAndNoFormatAreKeptAsTheyCame() {
        assertThat(CustomToolFormat.responses(null, "t", "f")).isNull();
        assertThat(CustomToolFormat.responses(JSON.createObjectNode().put("type", "text"), "t", "f")).isEqualTo("{\"type\":\"text\"}");
        ObjectNode lark = grammar("lark", PATCH_GRAMMAR);
        assertThat(CustomToolFormat.responses(lark, "apply_patch", "f")).isEqualTo(lark.toString());
        assertThat(problem(grammar("regex", "^(?P<year>\\d{4})-(?<month>\\d{2})$"))).as("Rust's named groups are accepted").isNull();
        assertThat(problem(grammar("regex", "(?P<first_name>\\w+) (?<last.name>\\w+) (?<_x>a)(?P<y[0]>b)(?<=a)(?<!b)")))
                .as("with the names Rust allows and Java does not").isNull();
    }

    @Test
    void aChatCompletionsGrammarIsCheckedWhereItIsNestedAndReadIntoTheResponsesForm() {
        ObjectNode chat = JSON.createObjectNode().put("type", "grammar");
        chat.putObject("grammar").put("syntax", "lark").put("definition", PATCH_GRAMMAR);
        assertThat(CustomToolFormat.chatCompletions(chat, "apply_patch", "tools[0].custom.format"))
                .isEqualTo(grammar("lark", PATCH_GRAMMAR).toString());
        assertThat(CustomToolFormat.chatCompletions(JSON.createObjectNode().put("type", "text"), "t", "f")).isEqualTo("{\"type\":\"text\"}");

        assertThatThrownBy(() -> CustomToolFormat.chatCompletions(grammar("lark", PATCH_GRAMMAR), "t", "tools[0].custom.format"))
                .as("the Responses form is not Chat Completions'")
                .hasMessage("Custom tool 't': tools[0].custom.format.grammar must be an object with syntax and definition.");
        ObjectNode badRegex = JSON.createObjectNode().put("type", "grammar");
        badRegex.putObject("grammar").put("syntax", "regex").put("definition", "(unclosed");
        assertThatThrownBy(() -> CustomToolFormat.chatCompletions(badRegex, "t", "tools[0].custom.format"))
                .hasMessageStartingWith("Custom tool 't': tools[0].custom.format.grammar.definition is not a valid regex");
    }

    @Test
    void anOverLongDefinitionIsRefusedWithItsLength() {
        String big = "a".repeat(CustomToolFormat.MAX_DEFINITION_CHARS + 1);
        assertThat(problem(grammar("regex", big))).contains("tools[0].format.definition", "65537 characters", "at most 65536");
        assertThat(problem(grammar("regex", big.substring(1)))).isNull();
    }

    @Test
    void aLongLeadingLiteralIsCheckedInLinearTime() {
        // java.util.regex builds a Boyer-Moore table for a pattern's leading literal in time quadratic in its length: 64 Ki
        // of one letter took about a second of a request thread's CPU (ten on a busy machine), and a 10 MB body holds 160
        // such tools. Eight of them here, as a literal and quoted.
        String literal = "a".repeat(CustomToolFormat.MAX_DEFINITION_CHARS);
        String quoted = "\\Q" + literal.substring(4) + "\\E";
        assertTimeout(Duration.ofSeconds(1), () -> {
            for (int i = 0; i < 4; i++) {
                assertThat(problem(grammar("regex", literal))).isNull();
                assertThat(problem(grammar("regex", quoted))).isNull();
            }
        });
    }

    @Test
    void aRequestsDefinitionsTogetherAreBoundedOnBothApis() throws Exception {
        String definition = JSON.writeValueAsString("a".repeat(CustomToolFormat.MAX_DEFINITION_CHARS));
        String responsesTool = "{\"type\":\"custom\",\"name\":\"t\",\"format\":{\"type\":\"grammar\",\"syntax\":\"regex\",\"definition\":"
                + definition + "}}";
        String function = "{\"type\":\"function\",\"name\":\"f\",\"format\":{\"definition\":" + definition + "}}";
        assertThat(ResponsesDecoder.decode(responses(Collections.nCopies(4, responsesTool), function)).request().tools())
                .as("four at the bound, and a function's fields are no definition").hasSize(5);

        String over = "The custom tools' grammar definitions are 262145 characters long together; at most 262144 are accepted.";
        String oneMore = "{\"type\":\"custom\",\"name\":\"x\",\"format\":{\"type\":\"grammar\",\"syntax\":\"regex\",\"definition\":\"b\"}}";
        ObjectNode responses = responses(Collections.nCopies(4, responsesTool), oneMore);
        assertThat(refusal(() -> ResponsesDecoder.decode(responses))).isEqualTo("tools: " + over);

        String chatTool = "{\"type\":\"custom\",\"custom\":{\"name\":\"t\",\"format\":{\"type\":\"grammar\",\"grammar\":"
                + "{\"syntax\":\"regex\",\"definition\":" + definition + "}}}}";
        String chatOneMore = "{\"type\":\"custom\",\"custom\":{\"name\":\"x\",\"format\":{\"type\":\"grammar\",\"grammar\":"
                + "{\"syntax\":\"regex\",\"definition\":\"b\"}}}}";
        List<String> chatTools = new ArrayList<>(Collections.nCopies(4, chatTool));
        chatTools.add(chatOneMore);
        ObjectNode chat = (ObjectNode) JSON.readTree("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":["
                + String.join(",", chatTools) + "]}");
        assertThat(refusal(() -> ChatCompletionsDecoder.decode(chat))).isEqualTo("tools: " + over);
    }

    private static ObjectNode responses(List<String> tools, String last) throws Exception {
        List<String> all = new ArrayList<>(tools);
        all.add(last);
        return (ObjectNode) JSON.readTree("{\"model\":\"m\",\"input\":\"hi\",\"tools\":[" + String.join(",", all) + "]}");
    }

    /** The refusal's param and message, or {@code null} when there is none. */
    private static String refusal(Runnable decode) {
        try {
            decode.run();
            return null;
        } catch (QuarryException e) {
            return e.error().param() + ": " + e.getMessage();
        }
    }

    @Test
    void aRegexIsRefusedAsItsOwnTextWouldBe() {
        assertThat(problem(grammar("regex", "*a"))).as("a leading quantifier quantifies nothing")
                .isEqualTo("Custom tool 't': tools[0].format.definition is not a valid regex: Dangling meta character '*' near index 0.");
        assertThat(problem(grammar("regex", "+"))).contains("Dangling meta character '+' near index 0");
        assertThat(problem(grammar("regex", "ab[c"))).as("the index is the definition's")
                .contains("Unclosed character class near index 3");
    }

    @Test
    void aRegexIsCompiledAndARustOnlyFlagIsRefused() {
        assertThat(problem(grammar("regex", "a{2,1}"))).contains("Custom tool 't': tools[0].format.definition is not a valid regex");
        assertThat(problem(grammar("regex", "(?R)a"))).contains("not a valid regex");
        assertThat(problem(grammar("regex", "  "))).contains("is empty");
    }

    @Test
    void theLarkOutlineFindsWhatNoLarkParserAccepts() {
        assertThat(LarkOutline.problem(PATCH_GRAMMAR)).isNull();
        assertThat(LarkOutline.problem("start: \"a\" ]")).isEqualTo("line 1: ']' closes nothing that is open");
        assertThat(LarkOutline.problem("start: (\"a\"]")).isEqualTo("line 1: ']' closes nothing that is open");
        assertThat(LarkOutline.problem("start: \"abc")).isEqualTo("line 1: a string literal is not closed");
        assertThat(LarkOutline.problem("start: /ab\\/c")).isEqualTo("line 1: a regex literal is not closed");
        assertThat(LarkOutline.problem("start: x\nthis is prose")).startsWith("line 2 is neither a rule or terminal definition");
        assertThat(LarkOutline.problem("// only a comment\n%import common.LF")).isEqualTo("it defines no rule or terminal");
        assertThat(LarkOutline.problem("start: a{\n")).isEqualTo("'{' is never closed");
        assertThat(LarkOutline.problem("?expr.2: \"(\" | /\\)/\n_sep{x, s}: x (s x)*\nNAME.-1: /[a-z]+/i")).isNull();
    }

    @Test
    void aFormatNotAnObjectOrOfAnUnknownTypeIsRefused() {
        assertThat(problem((ObjectNode) JSON.createObjectNode().put("x", 1))).contains("tools[0].format.type must be");
        assertThatThrownBy(() -> CustomToolFormat.responses(JSON.getNodeFactory().textNode("lark"), "t", "tools[0].format"))
                .hasMessage("Custom tool 't': tools[0].format must be an object.");
        assertThat(problem(grammar("LARK", "start: x"))).contains("tools[0].format.syntax must be \"lark\" or \"regex\"");
    }
}
