package dev.quarry.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.PullingEventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.StreamEvent.BlockStart;
import dev.quarry.canonical.StreamEvent.BlockStop;
import dev.quarry.canonical.StreamEvent.MessageStart;
import dev.quarry.canonical.StreamEvent.MessageStop;
import dev.quarry.canonical.StreamEvent.ReasoningDelta;
import dev.quarry.canonical.StreamEvent.TextDelta;
import dev.quarry.canonical.StreamEvent.ToolInputDelta;
import dev.quarry.canonical.StreamEvent.UsageReport;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.SseWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicMessagesEncoderTest {
    private final MessagesEncoder encoder = new MessagesEncoder("msg_1", "claude-x");

    @Test
    void textDeltasAreEscapedExactlyAsJson() throws Exception {
        String hostile = "quote \" backslash \\ newline \n nul \u0000 emoji \uD83D\uDE00 é";
        String sse = stream(1, List.of(new MessageStart("u", "m"), new BlockStart(0, new ContentBlock.Text("")),
                new TextDelta(0, hostile), new BlockStop(0), new MessageStop(StopReason.END_TURN)));
        var json = new ObjectMapper();
        String delta = dataLines(sse).stream().filter(l -> l.contains("text_delta")).findFirst().orElseThrow();
        assertThat(delta).isEqualTo("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
                + json.writeValueAsString(hostile) + "}}");
        assertThat(json.readTree(delta).path("delta").path("text").asText()).isEqualTo(hostile);
    }

    @Test
    void aTextStreamIsSentAsAnthropicSendsIt() {
        String sse = stream(10, List.of(
                new MessageStart("upstream_1", "upstream-model"),
                new BlockStart(0, new ContentBlock.Text("")),
                new TextDelta(0, "Hel"),
                new TextDelta(0, "lo"),
                new BlockStop(0),
                new UsageReport(new Usage(12, 3, 5, 7)),
                new MessageStop(StopReason.END_TURN)));

        assertThat(sse).isEqualTo("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-x","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}}

                event: ping
                data: {"type":"ping"}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":12,"cache_creation_input_tokens":7,"cache_read_input_tokens":5,"output_tokens":3}}

                event: message_stop
                data: {"type":"message_stop"}

                """);
    }

    @Test
    void aToolCallStartsWithAnEmptyInputAndAnEmptyFirstFragment() {
        String sse = stream(0, List.of(
                new MessageStart("u", "m"),
                new BlockStart(0, new ContentBlock.ToolUse("toolu_1", "Bash", "", ToolKind.FUNCTION)),
                new ToolInputDelta(0, "{\"command\":"),
                new ToolInputDelta(0, "\"ls\"}"),
                new BlockStop(0),
                new MessageStop(StopReason.TOOL_USE)));

        assertThat(dataLines(sse)).containsSubsequence(
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"Bash\",\"input\":{}}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"command\\\":\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"ls\\\"}\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},"
                        + "\"usage\":{\"input_tokens\":0,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":0}}");
    }

    @Test
    void reasoningIsAThinkingBlockWithItsSignatureDelta() {
        String sse = stream(0, List.of(
                new MessageStart("u", "m"),
                new BlockStart(0, new ContentBlock.Reasoning("", null)),
                new ReasoningDelta(0, "Think", null),
                new ReasoningDelta(0, "", "sig=="),
                new BlockStop(0),
                new BlockStart(1, new ContentBlock.Text("")),
                new TextDelta(1, "Done"),
                new BlockStop(1),
                new MessageStop(StopReason.END_TURN)));

        assertThat(dataLines(sse)).containsSubsequence(
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Think\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"sig==\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}",
                "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Done\"}}");
    }

    @Test
    void blocksThatAreNotAnswersAreLeftOutAndTheRestKeepDenseIndexes() {
        String sse = stream(0, List.of(
                new MessageStart("u", "m"),
                new BlockStart(0, new ContentBlock.CachePoint()),
                new BlockStop(0),
                new BlockStart(1, new ContentBlock.Text("")),
                new TextDelta(1, "Hi"),
                new BlockStop(1),
                new MessageStop(StopReason.END_TURN)));

        assertThat(dataLines(sse)).filteredOn(line -> line.contains("\"index\"")).containsExactly(
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}");
    }

    @Test
    void aFailureMidStreamIsAnErrorEventAndTheLastOne() {
        EventStream failing = failingAfter(List.of(
                new MessageStart("u", "m"),
                new BlockStart(0, new ContentBlock.Text("")),
                new TextDelta(0, "Partial")),
                QuarryException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "The upstream went away."));
        String sse = write(out -> encoder.stream(failing, out, 0));

        assertThat(sse).endsWith("""
                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Partial"}}

                event: error
                data: {"type":"error","error":{"type":"overloaded_error","message":"The upstream went away."}}

                """);
    }

    @Test
    void aWholeMessageHoldsTextToolCallsAndThinkingWithItsUsage() {
        byte[] json = encoder.encode(new ChatResponse("u", "m", List.of(
                new ContentBlock.Reasoning("Hmm", "sig"),
                new ContentBlock.Text("Let me look."),
                new ContentBlock.ToolUse("toolu_9", "Read", "{\"file_path\":\"/a\"}", ToolKind.FUNCTION),
                new ContentBlock.ToolUse("toolu_10", "Clock", "", ToolKind.FUNCTION)),
                StopReason.TOOL_USE, new Usage(100, 20, 30, 40)));

        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"content\":[{\"type\":\"thinking\",\"thinking\":\"Hmm\",\"signature\":\"sig\"},"
                + "{\"type\":\"text\",\"text\":\"Let me look.\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"Read\",\"input\":{\"file_path\":\"/a\"}},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_10\",\"name\":\"Clock\",\"input\":{}}],"
                + "\"model\":\"claude-x\",\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":100,\"cache_creation_input_tokens\":40,\"cache_read_input_tokens\":30,\"output_tokens\":20}}");
    }

    @ParameterizedTest
    @CsvSource({"END_TURN, end_turn", "TOOL_USE, tool_use", "MAX_TOKENS, max_tokens", "STOP_SEQUENCE, stop_sequence",
                "CONTENT_FILTERED, refusal"})
    void stopReasons(StopReason reason, String wire) {
        byte[] json = encoder.encode(new ChatResponse("u", "m", List.of(new ContentBlock.Text("x")), reason, Usage.ZERO));
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"stop_reason\":\"" + wire + "\"");
    }

    @Test
    void aToolInputThatIsNotAJsonObjectIsAnUpstreamError() {
        var answer = new ChatResponse("u", "m", List.of(new ContentBlock.ToolUse("t", "Bash", "{not json", ToolKind.FUNCTION)),
                StopReason.TOOL_USE, Usage.ZERO);
        assertThatThrownBy(() -> encoder.encode(answer)).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
            assertThat(e.getMessage()).contains("'Bash'", "not a JSON object");
        });
    }

    private String stream(long inputEstimate, List<StreamEvent> events) {
        return write(out -> encoder.stream(EventStream.of(events), out, inputEstimate));
    }

    private static String write(java.util.function.Consumer<SseWriter> writing) {
        var bytes = new ByteArrayOutputStream();
        writing.accept(new SseWriter(bytes));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static List<String> dataLines(String sse) {
        return sse.lines().filter(line -> line.startsWith("data: ")).map(line -> line.substring(6)).toList();
    }

    /** A stream that yields {@code events} and then fails, as an upstream that hangs up does. */
    private static EventStream failingAfter(List<StreamEvent> events, QuarryException failure) {
        Iterator<StreamEvent> it = events.iterator();
        return new PullingEventStream() {
            @Override
            protected StreamEvent produce() {
                if (it.hasNext()) return it.next();
                throw failure;
            }

            @Override
            protected void release() {}
        };
    }
}
