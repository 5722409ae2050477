package dev.quarry.provider.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomToolsTest {

    @Test
    void aHugeGrammarIsCutAtTheBoundAndTheDescriptionSaysSo() {
        String grammar = "x".repeat(CustomTools.MAX_FORMAT_CHARS + 100);
        ToolSpec tool = new ToolSpec("big", null, null, ToolKind.CUSTOM,
                Json.object().put("type", "grammar").put("syntax", "regex").put("definition", grammar).toString());

        String description = CustomTools.function(tool).description();

        assertThat(description).contains("regex grammar", "x".repeat(CustomTools.MAX_FORMAT_CHARS), "100 more characters, is left out")
                .doesNotContain("x".repeat(CustomTools.MAX_FORMAT_CHARS + 1));
    }

    @Test
    void aToolWithoutFormatTakesFreeText() {
        assertThat(CustomTools.function(new ToolSpec("note", "Writes a note.", null, ToolKind.CUSTOM, null)).description())
                .isEqualTo("Writes a note.\n\nPass the tool's whole input as the string argument 'input', as free-form text.");
    }

    @Test
    void aFunctionToolNamedLikeACustomToolIsRefused() {
        ChatRequest request = new ChatRequest("m", List.of(), List.of(Message.user("Go.")), List.of(CustomToolFixture.APPLY_PATCH,
                ToolSpec.function("apply_patch", null, null)), ToolChoice.AUTO, null, Map.of());

        assertThatThrownBy(() -> CustomTools.asFunctions(request)).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
            assertThat(e.getMessage()).contains("'apply_patch'", "defined twice");
        });
    }

    @Test
    void aRequestWithoutCustomToolsIsLeftAsItIs() {
        ChatRequest request = ChatRequest.of("m", List.of(Message.user("Hi.")));

        assertThat(CustomTools.asFunctions(request)).isSameAs(request);
    }

    @Test
    void theInputStreamsAsItsJsonFragmentsArriveAndFoldsToTheRawText() {
        List<StreamEvent> out = restored(Json.object().put("input", CustomToolFixture.PATCH).toString(), 3);

        assertThat(out.get(1)).isEqualTo(new StreamEvent.BlockStart(0, new ContentBlock.ToolUse("c", "apply_patch", "", ToolKind.CUSTOM)));
        assertThat(deltas(out)).as("streamed in pieces, not held to the end").hasSizeGreaterThan(5);
        assertThat(String.join("", deltas(out))).isEqualTo(CustomToolFixture.PATCH);
        assertThat(out.subList(out.size() - 2, out.size())).containsExactly(new StreamEvent.BlockStop(0), new StreamEvent.MessageStop(StopReason.TOOL_USE));
    }

    @Test
    void escapesAndSurrogatePairsCutBetweenFragmentsAreDecodedWholeAndNeverSentHalved() {
        String input = "tab\t quote\" slash\\ é \uD83D\uDE00 end";
        String arguments = "{ \"input\" : \"tab\\t quote\\\" slash\\\\ \\u00e9 \\ud83d\\ude00 end\" }";
        for (int size = 1; size <= 4; size++) {
            List<String> deltas = deltas(restored(arguments, size));

            assertThat(String.join("", deltas)).as("fragments of %d", size).isEqualTo(input);
            assertThat(deltas).as("no delta ends in half a character").noneMatch(d -> Character.isHighSurrogate(d.charAt(d.length() - 1)));
        }
    }

    @Test
    void argumentsOfAnotherShapeAreHeldAndPassedOnWhole() {
        assertThat(deltas(restored("{\"patch\":\"x\",\"input\":\"y\"}", 2))).containsExactly("y");
        assertThat(deltas(restored("[\"not an object\"]", 2))).containsExactly("[\"not an object\"]");
    }

    /** A call of apply_patch's function form whose arguments arrive in fragments of {@code size}, through {@link CustomTools#restore}. */
    private static List<StreamEvent> restored(String arguments, int size) {
        List<StreamEvent> upstream = new ArrayList<>(List.of(new StreamEvent.MessageStart("id", "m"),
                new StreamEvent.BlockStart(0, new ContentBlock.ToolUse("c", "apply_patch", "", ToolKind.FUNCTION))));
        for (int at = 0; at < arguments.length(); at += size) {
            upstream.add(new StreamEvent.ToolInputDelta(0, arguments.substring(at, Math.min(arguments.length(), at + size))));
        }
        upstream.addAll(List.of(new StreamEvent.BlockStop(0), new StreamEvent.MessageStop(StopReason.TOOL_USE)));
        List<StreamEvent> out = new ArrayList<>();
        CustomTools.restore(EventStream.of(upstream), CustomToolFixture.request("m")).forEachRemaining(out::add);
        return out;
    }

    private static List<String> deltas(List<StreamEvent> events) {
        return events.stream().filter(StreamEvent.ToolInputDelta.class::isInstance).map(e -> ((StreamEvent.ToolInputDelta) e).fragment()).toList();
    }
}
