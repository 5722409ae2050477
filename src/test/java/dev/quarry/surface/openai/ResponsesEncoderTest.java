package dev.quarry.surface.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.PullingEventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.SseWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Responses event stream, byte for byte as Codex parses it; no socket involved. */
class ResponsesEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ResponsesEncoder encoder = new ResponsesEncoder("resp_abc", "quarry/echo", 1_700_000_000L);

    @Test
    void aTextAndAToolCallFollowTheOrderCodexRequires() throws Exception {
        List<JsonNode> events = encode(EventStream.of(List.of(
                new StreamEvent.MessageStart("m", "x"),
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, "Listing"),
                new StreamEvent.BlockStop(0),
                new StreamEvent.BlockStart(1, new ContentBlock.ToolUse("call_1", "shell", "", ToolKind.FUNCTION)),
                new StreamEvent.ToolInputDelta(1, "{\"command\":"),
                new StreamEvent.ToolInputDelta(1, "[\"ls\"]}"),
                new StreamEvent.BlockStop(1),
                new StreamEvent.UsageReport(new Usage(100, 20, 30, 0)),
                new StreamEvent.MessageStop(StopReason.TOOL_USE))));

        assertThat(events).extracting(e -> e.path("type").asText()).containsExactly(
                "response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.completed");
        assertThat(events).extracting(e -> e.path("sequence_number").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);

        JsonNode call = events.get(12).path("item");
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("call_id").asText()).isEqualTo("call_1");
        assertThat(call.path("arguments").asText()).isEqualTo("{\"command\":[\"ls\"]}");
        assertThat(events.get(4).path("item_id").asText()).isEqualTo(events.get(2).at("/item/id").asText());

        JsonNode completed = events.getLast().path("response");
        assertThat(completed.path("id").asText()).isEqualTo("resp_abc");
        assertThat(completed.path("output")).hasSize(2);
        assertThat(completed.at("/usage/input_tokens").asLong()).as("cached input is part of OpenAI's input count").isEqualTo(130);
        assertThat(completed.at("/usage/input_tokens_details/cached_tokens").asLong()).isEqualTo(30);
        assertThat(completed.at("/usage/output_tokens_details/reasoning_tokens").isNumber()).isTrue();
        assertThat(completed.at("/usage/total_tokens").asLong()).isEqualTo(150);
    }

    @Test
    void aCustomToolCallIsACustomToolCallItem() throws Exception {
        List<JsonNode> events = encode(EventStream.of(List.of(
                new StreamEvent.BlockStart(0, new ContentBlock.ToolUse("call_2", "apply_patch", "", ToolKind.CUSTOM)),
                new StreamEvent.ToolInputDelta(0, "*** Begin Patch"),
                new StreamEvent.BlockStop(0),
                new StreamEvent.MessageStop(StopReason.TOOL_USE))));
        assertThat(events).extracting(e -> e.path("type").asText())
                .contains("response.custom_tool_call_input.delta", "response.custom_tool_call_input.done");
        JsonNode done = events.stream().filter(e -> e.path("type").asText().equals("response.output_item.done")).findFirst().orElseThrow();
        assertThat(done.at("/item/type").asText()).isEqualTo("custom_tool_call");
        assertThat(done.at("/item/input").asText()).isEqualTo("*** Begin Patch");
    }

    @Test
    void aTruncatedAnswerEndsIncomplete() throws Exception {
        List<JsonNode> events = encode(EventStream.of(List.of(
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, "cut"),
                new StreamEvent.BlockStop(0),
                new StreamEvent.MessageStop(StopReason.MAX_TOKENS))));
        assertThat(events.getLast().path("type").asText()).isEqualTo("response.incomplete");
        assertThat(events.getLast().at("/response/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
    }

    @Test
    void aFailureMidStreamEndsWithResponseFailed() throws Exception {
        Iterator<StreamEvent> events = List.<StreamEvent>of(
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")), new StreamEvent.TextDelta(0, "par")).iterator();
        EventStream failing = new PullingEventStream() {
            @Override
            protected StreamEvent produce() {
                if (events.hasNext()) return events.next();
                throw QuarryException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "upstream went away");
            }

            @Override
            protected void release() {}
        };
        List<JsonNode> out = encode(failing);
        JsonNode last = out.getLast();
        assertThat(last.path("type").asText()).isEqualTo("response.failed");
        assertThat(last.at("/response/status").asText()).isEqualTo("failed");
        assertThat(last.at("/response/error/message").asText()).isEqualTo("upstream went away");
        assertThat(last.at("/response/error/code").asText()).isEqualTo("upstream_unavailable");
    }

    private List<JsonNode> encode(EventStream stream) throws Exception {
        var bytes = new ByteArrayOutputStream();
        encoder.stream(stream, new SseWriter(bytes));
        List<JsonNode> events = new ArrayList<>();
        for (String frame : bytes.toString(StandardCharsets.UTF_8).split("\n\n")) {
            String[] lines = frame.split("\n");
            assertThat(lines[0]).startsWith("event: ");
            JsonNode data = JSON.readTree(lines[1].substring("data: ".length()));
            assertThat(lines[0].substring("event: ".length())).isEqualTo(data.path("type").asText());
            events.add(data);
        }
        return events;
    }
}
