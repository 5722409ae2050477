package dev.quarry.surface.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.aws.EventStreamCodec;
import dev.quarry.aws.EventStreamMessage;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConverseStreamEncoderTest {

    @Test
    void aToolCallStreamsInBedrocksOrderWithUsageLast() throws IOException {
        List<EventStreamMessage> frames = encode(EventStream.of(List.of(
                new StreamEvent.MessageStart("id", "m"),
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, "Let me look."),
                new StreamEvent.BlockStop(0),
                new StreamEvent.BlockStart(1, new ContentBlock.ToolUse("t1", "zoom", "", ToolKind.FUNCTION)),
                new StreamEvent.ToolInputDelta(1, "{\"factor\""),
                new StreamEvent.ToolInputDelta(1, ":2}"),
                new StreamEvent.BlockStop(1),
                new StreamEvent.UsageReport(new Usage(7, 3, 0, 4)),
                new StreamEvent.MessageStop(StopReason.TOOL_USE))));

        assertThat(frames).allSatisfy(f -> assertThat(f.messageType()).contains("event"));
        assertThat(frames).extracting(f -> f.text(EventStreamMessage.EVENT_TYPE).orElseThrow()).containsExactly(
                "messageStart", "contentBlockDelta", "contentBlockStop",
                "contentBlockStart", "contentBlockDelta", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata");
        assertThat(payloads(frames)).containsExactly(
                json("{\"role\":\"assistant\"}"),
                json("{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Let me look.\"}}"),
                json("{\"contentBlockIndex\":0}"),
                json("{\"contentBlockIndex\":1,\"start\":{\"toolUse\":{\"toolUseId\":\"t1\",\"name\":\"zoom\"}}}"),
                json("{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"{\\\"factor\\\"\"}}}"),
                json("{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\":2}\"}}}"),
                json("{\"contentBlockIndex\":1}"),
                json("{\"stopReason\":\"tool_use\"}"),
                json("{\"usage\":{\"inputTokens\":7,\"outputTokens\":3,\"totalTokens\":14,\"cacheReadInputTokens\":0,\"cacheWriteInputTokens\":4},"
                        + "\"metrics\":{\"latencyMs\":99}}"));
    }

    @Test
    void reasoningStreamsItsTextAndSignature() throws IOException {
        List<EventStreamMessage> frames = encode(EventStream.of(List.of(
                new StreamEvent.MessageStart("id", "m"),
                new StreamEvent.BlockStart(0, new ContentBlock.Reasoning("", null)),
                new StreamEvent.ReasoningDelta(0, "Hmm.", null),
                new StreamEvent.ReasoningDelta(0, "", "sig"),
                new StreamEvent.BlockStop(0),
                new StreamEvent.MessageStop(StopReason.END_TURN))));

        assertThat(payloads(frames)).contains(
                json("{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"text\":\"Hmm.\"}}}"),
                json("{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"signature\":\"sig\"}}}"));
    }

    @Test
    void aFailureMidStreamIsTheLastFrameAnExceptionNamingItsKind() throws IOException {
        List<StreamEvent> before = List.of(new StreamEvent.MessageStart("id", "m"), new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, "partial"));
        List<EventStreamMessage> frames = encode(failingAfter(before, QuarryException.of(ErrorKind.RATE_LIMITED, "Slow down.")));

        EventStreamMessage last = frames.getLast();
        assertThat(frames).hasSize(3);
        assertThat(last.messageType()).contains("exception");
        assertThat(last.text(EventStreamMessage.EXCEPTION_TYPE)).contains("throttlingException");
        assertThat(json(last.payloadText())).isEqualTo(json("{\"message\":\"Slow down.\"}"));
    }

    private static List<EventStreamMessage> encode(EventStream events) throws IOException {
        var out = new ByteArrayOutputStream();
        new ConverseStreamEncoder(out, () -> 99).write(events);
        var in = new ByteArrayInputStream(out.toByteArray());
        List<EventStreamMessage> frames = new ArrayList<>();
        for (EventStreamMessage frame; (frame = EventStreamCodec.read(in)) != null; ) frames.add(frame);
        return frames;
    }

    private static List<JsonNode> payloads(List<EventStreamMessage> frames) {
        return frames.stream().map(f -> json(f.payloadText())).toList();
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A stream that yields {@code events} and then fails as an upstream would. */
    static EventStream failingAfter(List<StreamEvent> events, QuarryException failure) {
        Iterator<StreamEvent> it = events.iterator();
        return new EventStream() {
            @Override
            public boolean hasNext() {
                if (it.hasNext()) return true;
                throw failure;
            }

            @Override
            public StreamEvent next() {
                hasNext();
                return it.next();
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }
}
