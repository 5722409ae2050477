package dev.quarry.provider.openai.internal;

import static dev.quarry.provider.openai.internal.RecordedStream.drain;
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
import dev.quarry.provider.wire.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsesStreamDecoderTest {
    private static final String CREATED = """
            {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","model":"gpt-5","output":[],"usage":null}}""";
    private static final String COMPLETED = """
            {"type":"response.completed","sequence_number":99,"response":{"id":"resp_1","object":"response","status":"completed","model":"gpt-5","output":[],\
            "usage":{"input_tokens":1200,"input_tokens_details":{"cached_tokens":1000},"output_tokens":40,"output_tokens_details":{"reasoning_tokens":12},"total_tokens":1240}}}""";

    /** Named SSE events, the event name taken from each JSON's type as OpenAI sends it. */
    private static String events(String... json) {
        StringBuilder out = new StringBuilder();
        for (String data : json) {
            String type = Json.text(Json.parse(data).orElseThrow(), "type");
            out.append("event: ").append(type).append('\n').append("data: ").append(data).append("\n\n");
        }
        return out.toString();
    }

    private static List<StreamEvent> decode(String body) {
        return drain(new ResponsesStreamDecoder(RecordedStream.of(body)));
    }

    @Test
    void aMessageItemBecomesATextBlockAndCompletionReportsUsageWithoutCachedInput() {
        List<StreamEvent> events = decode(events(CREATED,
                "{\"type\":\"response.in_progress\",\"sequence_number\":1,\"response\":{\"id\":\"resp_1\"}}",
                "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"status\":\"in_progress\",\"content\":[]}}",
                "{\"type\":\"response.content_part.added\",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}}",
                "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Listing \"}",
                "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"files\"}",
                "{\"type\":\"response.output_text.done\",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"text\":\"Listing files\"}",
                "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"status\":\"completed\",\"content\":[{\"type\":\"output_text\",\"text\":\"Listing files\",\"annotations\":[]}]}}",
                COMPLETED));

        assertThat(events).containsExactly(
                new StreamEvent.MessageStart("resp_1", "gpt-5"),
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, "Listing "),
                new StreamEvent.TextDelta(0, "files"),
                new StreamEvent.BlockStop(0),
                new StreamEvent.UsageReport(new Usage(200, 40, 1000, 0)),
                new StreamEvent.MessageStop(StopReason.END_TURN));
    }

    @Test
    void functionAndCustomToolCallsBecomeToolUseBlocksOfTheirKind() {
        List<StreamEvent> events = decode(events(CREATED,
                "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"shell\",\"arguments\":\"\"}}",
                "{\"type\":\"response.function_call_arguments.delta\",\"item_id\":\"fc_1\",\"output_index\":0,\"delta\":\"{\\\"command\\\":\"}",
                "{\"type\":\"response.function_call_arguments.delta\",\"item_id\":\"fc_1\",\"output_index\":0,\"delta\":\"[\\\"ls\\\"]}\"}",
                "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"shell\",\"arguments\":\"{\\\"command\\\":[\\\"ls\\\"]}\"}}",
                "{\"type\":\"response.output_item.added\",\"output_index\":1,\"item\":{\"id\":\"ctc_1\",\"type\":\"custom_tool_call\",\"call_id\":\"call_2\",\"name\":\"apply_patch\",\"input\":\"\"}}",
                "{\"type\":\"response.custom_tool_call_input.delta\",\"item_id\":\"ctc_1\",\"output_index\":1,\"delta\":\"*** Begin Patch\"}",
                "{\"type\":\"response.output_item.done\",\"output_index\":1,\"item\":{\"id\":\"ctc_1\",\"type\":\"custom_tool_call\",\"call_id\":\"call_2\",\"name\":\"apply_patch\",\"input\":\"*** Begin Patch\"}}",
                COMPLETED));

        StreamRules.assertWellFormed(events);
        assertThat(events).containsSubsequence(
                new StreamEvent.BlockStart(0, new ContentBlock.ToolUse("call_1", "shell", "", ToolKind.FUNCTION)),
                new StreamEvent.ToolInputDelta(0, "{\"command\":"),
                new StreamEvent.ToolInputDelta(0, "[\"ls\"]}"),
                new StreamEvent.BlockStop(0),
                new StreamEvent.BlockStart(1, new ContentBlock.ToolUse("call_2", "apply_patch", "", ToolKind.CUSTOM)),
                new StreamEvent.ToolInputDelta(1, "*** Begin Patch"),
                new StreamEvent.BlockStop(1),
                new StreamEvent.MessageStop(StopReason.TOOL_USE));
    }

    @Test
    void anItemWhoseContentCameOnlyWithItsDoneEventIsSentWhole() {
        List<StreamEvent> events = decode(events(CREATED,
                "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"shell\",\"arguments\":\"\"}}",
                "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"shell\",\"arguments\":\"{}\"}}",
                "{\"type\":\"response.output_item.done\",\"output_index\":1,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Done.\"}]}}",
                COMPLETED));

        StreamRules.assertWellFormed(events);
        assertThat(events).containsSubsequence(
                new StreamEvent.ToolInputDelta(0, "{}"),
                new StreamEvent.BlockStart(1, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(1, "Done."));
    }

    @Test
    void summaryPartsOfOneReasoningItemAreKeptApartByABlankLine() {
        List<StreamEvent> events = decode(events(CREATED,
                "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"id\":\"rs_1\",\"type\":\"reasoning\",\"summary\":[]}}",
                "{\"type\":\"response.reasoning_summary_text.delta\",\"item_id\":\"rs_1\",\"output_index\":0,\"summary_index\":0,\"delta\":\"First.\"}",
                "{\"type\":\"response.reasoning_summary_text.delta\",\"item_id\":\"rs_1\",\"output_index\":0,\"summary_index\":1,\"delta\":\"Second.\"}",
                "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"id\":\"rs_1\",\"type\":\"reasoning\",\"summary\":[]}}",
                COMPLETED));

        assertThat(events).containsSubsequence(
                new StreamEvent.BlockStart(0, new ContentBlock.Reasoning("", null)),
                new StreamEvent.ReasoningDelta(0, "First.", null),
                new StreamEvent.ReasoningDelta(0, "\n\nSecond.", null),
                new StreamEvent.BlockStop(0));
    }

    @Test
    void aReasoningItemWithoutTextMakesNoBlock() {
        List<StreamEvent> events = decode(events(CREATED,
                "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"id\":\"rs_1\",\"type\":\"reasoning\",\"summary\":[]}}",
                "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"id\":\"rs_1\",\"type\":\"reasoning\",\"summary\":[],\"encrypted_content\":\"gAAA\"}}",
                "{\"type\":\"response.output_item.added\",\"output_index\":1,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[]}}",
                "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":1,\"content_index\":0,\"delta\":\"Hi\"}",
                "{\"type\":\"response.output_item.done\",\"output_index\":1,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hi\"}]}}",
                COMPLETED));

        StreamRules.assertWellFormed(events);
        assertThat(events).filteredOn(StreamEvent.BlockStart.class::isInstance)
                .containsExactly(new StreamEvent.BlockStart(0, new ContentBlock.Text("")));
    }

    @Test
    void itemsOfBuiltInToolsAreSkippedWithTheirEvents() {
        List<StreamEvent> events = decode(events(CREATED,
                "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"id\":\"ws_1\",\"type\":\"web_search_call\",\"status\":\"in_progress\"}}",
                "{\"type\":\"response.web_search_call.searching\",\"item_id\":\"ws_1\",\"output_index\":0}",
                "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"id\":\"ws_1\",\"type\":\"web_search_call\",\"status\":\"completed\"}}",
                COMPLETED));

        assertThat(events).containsExactly(
                new StreamEvent.MessageStart("resp_1", "gpt-5"),
                new StreamEvent.UsageReport(new Usage(200, 40, 1000, 0)),
                new StreamEvent.MessageStop(StopReason.END_TURN));
    }

    @Test
    void anAnswerIncompleteForTheTokenLimitStopsWithMaxTokens() {
        String incomplete = "{\"type\":\"response.incomplete\",\"response\":{\"id\":\"resp_1\",\"status\":\"incomplete\","
                + "\"incomplete_details\":{\"reason\":\"max_output_tokens\"},\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}}";

        assertThat(decode(events(CREATED, incomplete)).getLast()).isEqualTo(new StreamEvent.MessageStop(StopReason.MAX_TOKENS));
    }

    @Test
    void aFailedResponseIsThrownAsItsKind() {
        String failed = "{\"type\":\"response.failed\",\"response\":{\"id\":\"resp_1\",\"status\":\"failed\","
                + "\"error\":{\"code\":\"context_length_exceeded\",\"message\":\"Your input exceeds the context window of this model.\"}}}";

        assertThatThrownBy(() -> decode(events(CREATED, failed)))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONTEXT_WINDOW_EXCEEDED);
                    assertThat(e.getMessage()).contains("Your input exceeds the context window");
                });
    }

    @Test
    void anErrorEventIsThrownAsItsKind() {
        String error = "{\"type\":\"error\",\"sequence_number\":3,\"code\":\"rate_limit_exceeded\",\"message\":\"Slow down.\",\"param\":null}";

        assertThatThrownBy(() -> decode(events(CREATED, error)))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMITED));
    }

    @Test
    void aStreamWithoutItsFinalEventIsAnIncompleteAnswer() {
        assertThatThrownBy(() -> decode(events(CREATED,
                "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"content\":[]}}")))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR));
    }

    @Test
    void eventsAreToldApartByTheirJsonTypeEvenWithoutEventLines() {
        String body = RecordedStream.data(CREATED, COMPLETED);

        assertThat(decode(body).getLast()).isEqualTo(new StreamEvent.MessageStop(StopReason.END_TURN));
    }
}
