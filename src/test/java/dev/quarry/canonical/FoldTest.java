package dev.quarry.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FoldTest {

    @Test
    void foldsTextToolCallsAndReasoningIntoOneMessage() {
        ChatResponse response = Fold.of(EventStream.of(List.of(
                new StreamEvent.MessageStart("m1", "model-x"),
                new StreamEvent.BlockStart(0, new ContentBlock.Reasoning("", null)),
                new StreamEvent.ReasoningDelta(0, "thinking ", null),
                new StreamEvent.ReasoningDelta(0, "hard", null),
                new StreamEvent.ReasoningDelta(0, "", "sig-1"),
                new StreamEvent.BlockStop(0),
                new StreamEvent.BlockStart(1, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(1, "Hel"),
                new StreamEvent.TextDelta(1, "lo"),
                new StreamEvent.BlockStop(1),
                new StreamEvent.BlockStart(2, new ContentBlock.ToolUse("call_1", "shell", "", ToolKind.FUNCTION)),
                new StreamEvent.ToolInputDelta(2, "{\"cmd\":"),
                new StreamEvent.ToolInputDelta(2, "\"ls\"}"),
                new StreamEvent.BlockStop(2),
                new StreamEvent.UsageReport(new Usage(10, 1, 0, 0)),
                new StreamEvent.UsageReport(new Usage(10, 7, 3, 0)),
                new StreamEvent.MessageStop(StopReason.TOOL_USE))));

        assertThat(response.id()).isEqualTo("m1");
        assertThat(response.model()).isEqualTo("model-x");
        assertThat(response.content()).containsExactly(
                new ContentBlock.Reasoning("thinking hard", "sig-1"),
                new ContentBlock.Text("Hello"),
                new ContentBlock.ToolUse("call_1", "shell", "{\"cmd\":\"ls\"}", ToolKind.FUNCTION));
        assertThat(response.usage()).as("the last usage report wins").isEqualTo(new Usage(10, 7, 3, 0));
        assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
    }

    @Test
    void aDeltaForABlockNeverStartedIsABugNotSilence() {
        Fold fold = new Fold();
        assertThatThrownBy(() -> fold.accept(new StreamEvent.TextDelta(0, "x"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("never started");
    }

    @Test
    void blocksMustStartInIndexOrder() {
        Fold fold = new Fold();
        assertThatThrownBy(() -> fold.accept(new StreamEvent.BlockStart(1, new ContentBlock.Text(""))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void foldingClosesTheStream() {
        var closed = new boolean[1];
        EventStream stream = new PullingEventStream() {
            @Override
            protected StreamEvent produce() {
                return null;
            }

            @Override
            protected void release() {
                closed[0] = true;
            }
        };
        Fold.of(stream);
        assertThat(closed[0]).isTrue();
    }
}
