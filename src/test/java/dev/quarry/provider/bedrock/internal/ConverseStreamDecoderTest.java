package dev.quarry.provider.bedrock.internal;

import static dev.quarry.provider.wire.RecordedBody.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.aws.EventStreamCodec;
import dev.quarry.aws.EventStreamMessage;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.Usage;
import dev.quarry.provider.ProviderContractTest.StreamRules;
import dev.quarry.provider.wire.RecordedBody;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConverseStreamDecoderTest {
    private static final byte[] START = event("messageStart", "{\"role\":\"assistant\",\"p\":\"abc\"}");
    private static final byte[] STOP_END_TURN = event("messageStop", "{\"stopReason\":\"end_turn\"}");
    private static final byte[] METADATA = event("metadata", "{\"usage\":{\"inputTokens\":11,\"outputTokens\":22,\"totalTokens\":400,"
            + "\"cacheReadInputTokens\":300,\"cacheWriteInputTokens\":67},\"metrics\":{\"latencyMs\":99}}");

    private static byte[] event(String type, String json) {
        return EventStreamCodec.encode(EventStreamMessage.event(type, json.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] delta(int index, String delta) {
        return event("contentBlockDelta", "{\"contentBlockIndex\":" + index + ",\"delta\":" + delta + "}");
    }

    private static byte[] stop(int index) {
        return event("contentBlockStop", "{\"contentBlockIndex\":" + index + "}");
    }

    private static List<StreamEvent> decode(byte[]... frames) {
        return drain(new ConverseStreamDecoder(RecordedBody.of(concat(frames)), "req-1", "anthropic.claude-x"));
    }

    private static byte[] concat(byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] frame : frames) out.writeBytes(frame);
        return out.toByteArray();
    }

    @Test
    void aTextBlockThatBeginsWithADeltaIsOpenedByItAndUsageComesBeforeTheStop() {
        List<StreamEvent> events = decode(START, delta(0, "{\"text\":\"Hel\"}"), delta(0, "{\"text\":\"lo\"}"), stop(0), STOP_END_TURN, METADATA);

        assertThat(events).containsExactly(
                new StreamEvent.MessageStart("req-1", "anthropic.claude-x"),
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, "Hel"),
                new StreamEvent.TextDelta(0, "lo"),
                new StreamEvent.BlockStop(0),
                new StreamEvent.UsageReport(new Usage(11, 22, 300, 67)),
                new StreamEvent.MessageStop(StopReason.END_TURN));
    }

    @Test
    void reasoningAndToolUseBlocksMapWithTheirSignaturesAndInputs() {
        List<StreamEvent> events = decode(START,
                delta(0, "{\"reasoningContent\":{\"text\":\"Call the tool.\"}}"),
                delta(0, "{\"reasoningContent\":{\"signature\":\"sig\"}}"), stop(0),
                event("contentBlockStart", "{\"contentBlockIndex\":1,\"start\":{\"toolUse\":{\"toolUseId\":\"tooluse_1\",\"name\":\"get_weather\"}}}"),
                delta(1, "{\"toolUse\":{\"input\":\"{\\\"city\\\":\"}}"), delta(1, "{\"toolUse\":{\"input\":\"\\\"Paris\\\"}\"}}"), stop(1),
                event("messageStop", "{\"stopReason\":\"tool_use\"}"), METADATA);

        StreamRules.assertWellFormed(events);
        assertThat(events).containsSubsequence(
                new StreamEvent.BlockStart(0, new ContentBlock.Reasoning("", null)),
                new StreamEvent.ReasoningDelta(0, "Call the tool.", null),
                new StreamEvent.ReasoningDelta(0, "", "sig"),
                new StreamEvent.BlockStop(0),
                new StreamEvent.BlockStart(1, new ContentBlock.ToolUse("tooluse_1", "get_weather", "", ToolKind.FUNCTION)),
                new StreamEvent.ToolInputDelta(1, "{\"city\":"),
                new StreamEvent.ToolInputDelta(1, "\"Paris\"}"),
                new StreamEvent.BlockStop(1),
                new StreamEvent.MessageStop(StopReason.TOOL_USE));
    }

    @Test
    void stopReasonsMapToCanonicalOnes() {
        assertThat(ConverseStreamDecoder.stopReason("max_tokens")).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(ConverseStreamDecoder.stopReason("stop_sequence")).isEqualTo(StopReason.STOP_SEQUENCE);
        assertThat(ConverseStreamDecoder.stopReason("guardrail_intervened")).isEqualTo(StopReason.CONTENT_FILTERED);
        assertThat(ConverseStreamDecoder.stopReason("content_filtered")).isEqualTo(StopReason.CONTENT_FILTERED);
    }

    @Test
    void anExceptionFrameIsThrownAsItsKind() {
        byte[] throttled = EventStreamCodec.encode(EventStreamMessage.exception("throttlingException",
                "{\"message\":\"Too many tokens, please wait before trying again.\"}".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> decode(START, delta(0, "{\"text\":\"Hel\"}"), throttled))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
                    assertThat(e.getMessage()).contains(RecordedBody.PROVIDER, "Too many tokens");
                });
    }

    @Test
    void aStreamCutInsideAFrameIsIncomplete() {
        byte[] whole = concat(START, delta(0, "{\"text\":\"Hello\"}"));

        assertThatThrownBy(() -> drain(new ConverseStreamDecoder(RecordedBody.of(Arrays.copyOf(whole, whole.length - 7)), "req-1", "m")))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                    assertThat(e.getMessage()).contains("ended before the answer was complete");
                });
    }

    @Test
    void anAnswerWithoutItsUsageIsIncomplete() {
        assertThatThrownBy(() -> decode(START, delta(0, "{\"text\":\"Hi\"}"), stop(0), STOP_END_TURN))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.getMessage()).contains("ended before the answer was complete"));
    }
}
