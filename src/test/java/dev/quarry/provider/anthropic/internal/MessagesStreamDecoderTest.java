package dev.quarry.provider.anthropic.internal;

import static dev.quarry.provider.wire.RecordedBody.drain;
import static dev.quarry.provider.wire.RecordedBody.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.Usage;
import dev.quarry.provider.ProviderContractTest.StreamRules;
import dev.quarry.provider.wire.RecordedBody;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesStreamDecoderTest {
    private static final String START = sse("message_start", """
            {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",\
            "content":[],"stop_reason":null,"stop_sequence":null,\
            "usage":{"input_tokens":12,"cache_creation_input_tokens":40,"cache_read_input_tokens":300,"output_tokens":1}}}""");
    private static final String STOP = sse("message_stop", "{\"type\":\"message_stop\"}");

    private static String blockStart(int index, String block) {
        return sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index + ",\"content_block\":" + block + "}");
    }

    private static String delta(int index, String delta) {
        return sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index + ",\"delta\":" + delta + "}");
    }

    private static String blockStop(int index) {
        return sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
    }

    private static String messageDelta(String stopReason, String usage) {
        return sse("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason + "\",\"stop_sequence\":null},\"usage\":" + usage + "}");
    }

    private static List<StreamEvent> decode(String... events) {
        return drain(new MessagesStreamDecoder(RecordedBody.of(String.join("", events))));
    }

    @Test
    void aTextAnswerBecomesOneTextBlockWithUsageBeforeTheStop() {
        List<StreamEvent> events = decode(START, blockStart(0, "{\"type\":\"text\",\"text\":\"\"}"),
                sse("ping", "{\"type\": \"ping\"}"),
                delta(0, "{\"type\":\"text_delta\",\"text\":\"Hel\"}"), delta(0, "{\"type\":\"text_delta\",\"text\":\"lo\"}"),
                blockStop(0), messageDelta("end_turn", "{\"output_tokens\":7}"), STOP);

        assertThat(events).containsExactly(
                new StreamEvent.MessageStart("msg_1", "claude-sonnet-4-5"),
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, "Hel"),
                new StreamEvent.TextDelta(0, "lo"),
                new StreamEvent.BlockStop(0),
                new StreamEvent.UsageReport(new Usage(12, 7, 300, 40)),
                new StreamEvent.MessageStop(StopReason.END_TURN));
    }

    @Test
    void thinkingToolUseAndTheirDeltasMapToReasoningAndToolInput() {
        List<StreamEvent> events = decode(START,
                blockStart(0, "{\"type\":\"thinking\",\"thinking\":\"\"}"),
                delta(0, "{\"type\":\"thinking_delta\",\"thinking\":\"Weather, so call the tool.\"}"),
                delta(0, "{\"type\":\"signature_delta\",\"signature\":\"EqQBCgIYAhIM\"}"),
                blockStop(0),
                blockStart(1, "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}"),
                delta(1, "{\"type\":\"input_json_delta\",\"partial_json\":\"\"}"),
                delta(1, "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \\\"Paris\\\"}\"}"),
                blockStop(1), messageDelta("tool_use", "{\"output_tokens\":40}"), STOP);

        StreamRules.assertWellFormed(events);
        assertThat(events).containsSubsequence(
                new StreamEvent.BlockStart(0, new ContentBlock.Reasoning("", null)),
                new StreamEvent.ReasoningDelta(0, "Weather, so call the tool.", null),
                new StreamEvent.ReasoningDelta(0, "", "EqQBCgIYAhIM"),
                new StreamEvent.BlockStop(0),
                new StreamEvent.BlockStart(1, new ContentBlock.ToolUse("toolu_1", "get_weather", "", ToolKind.FUNCTION)),
                new StreamEvent.ToolInputDelta(1, "{\"city\": \"Paris\"}"),
                new StreamEvent.BlockStop(1),
                new StreamEvent.MessageStop(StopReason.TOOL_USE));
        assertThat(events).doesNotContain(new StreamEvent.ToolInputDelta(1, ""));
    }

    @Test
    void blocksWithoutACanonicalKindAreSkippedAndTheRestRenumbered() {
        List<StreamEvent> events = decode(START,
                blockStart(0, "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix\"}"), blockStop(0),
                blockStart(1, "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{}}"),
                delta(1, "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"query\\\":\\\"x\\\"}\"}"), blockStop(1),
                blockStart(2, "{\"type\":\"text\",\"text\":\"\"}"), delta(2, "{\"type\":\"text_delta\",\"text\":\"Found it.\"}"), blockStop(2),
                messageDelta("end_turn", "{\"output_tokens\":9}"), STOP);

        StreamRules.assertWellFormed(events);
        assertThat(events).filteredOn(StreamEvent.BlockStart.class::isInstance)
                .containsExactly(new StreamEvent.BlockStart(0, new ContentBlock.Text("")));
        assertThat(events).contains(new StreamEvent.TextDelta(0, "Found it."));
    }

    @Test
    void laterUsageCountsReplaceEarlierOnesAndAbsentOnesStay() {
        List<StreamEvent> events = decode(START, messageDelta("end_turn",
                "{\"input_tokens\":15,\"cache_creation_input_tokens\":null,\"output_tokens\":3}"), STOP);

        assertThat(events).contains(new StreamEvent.UsageReport(new Usage(15, 3, 300, 40)));
    }

    @Test
    void stopReasonsMapToCanonicalOnes() {
        assertThat(MessagesStreamDecoder.stopReason("max_tokens")).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(MessagesStreamDecoder.stopReason("model_context_window_exceeded")).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(MessagesStreamDecoder.stopReason("stop_sequence")).isEqualTo(StopReason.STOP_SEQUENCE);
        assertThat(MessagesStreamDecoder.stopReason("refusal")).isEqualTo(StopReason.CONTENT_FILTERED);
        assertThat(MessagesStreamDecoder.stopReason("pause_turn")).isEqualTo(StopReason.END_TURN);
    }

    @Test
    void anErrorEventIsThrownAsItsKind() {
        assertThatThrownBy(() -> decode(START, sse("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
                    assertThat(e.getMessage()).contains(RecordedBody.PROVIDER, "Overloaded");
                });
    }

    @Test
    void aBodyThatEndsBeforeMessageStopIsIncomplete() {
        assertThatThrownBy(() -> decode(START, blockStart(0, "{\"type\":\"text\",\"text\":\"\"}"), delta(0, "{\"type\":\"text_delta\",\"text\":\"Hel\"}")))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                    assertThat(e.getMessage()).contains("ended before the answer was complete");
                });
    }
}
