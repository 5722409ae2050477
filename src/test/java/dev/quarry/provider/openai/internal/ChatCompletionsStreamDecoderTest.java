package dev.quarry.provider.openai.internal;

import static dev.quarry.provider.openai.internal.RecordedStream.data;
import static dev.quarry.provider.openai.internal.RecordedStream.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.Usage;
import dev.quarry.provider.ProviderContractTest.StreamRules;
import dev.quarry.provider.wire.SseDecoder;
import dev.quarry.provider.wire.UpstreamBody;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ChatCompletionsStreamDecoderTest {
    private static final String ROLE = chunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null);
    private static final String USAGE = """
            {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-5-mini","choices":[],\
            "usage":{"prompt_tokens":120,"completion_tokens":30,"total_tokens":150,\
            "prompt_tokens_details":{"cached_tokens":20,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}""";

    private static String chunk(String delta, String finishReason) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-5-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}],\"usage\":null}";
    }

    private static List<StreamEvent> decode(String body) {
        return drain(new ChatCompletionsStreamDecoder(RecordedStream.of(body)));
    }

    @Test
    void textDeltasFormOneTextBlockAndTheUsageComesBeforeTheHeldStop() {
        List<StreamEvent> events = decode(data(ROLE, chunk("{\"content\":\"Hel\"}", null), chunk("{\"content\":\"lo\"}", null),
                chunk("{}", "stop"), USAGE, "[DONE]"));

        assertThat(events).containsExactly(
                new StreamEvent.MessageStart("chatcmpl-1", "gpt-5-mini"),
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, "Hel"),
                new StreamEvent.TextDelta(0, "lo"),
                new StreamEvent.BlockStop(0),
                new StreamEvent.UsageReport(new Usage(100, 30, 20, 0)),
                new StreamEvent.MessageStop(StopReason.END_TURN));
    }

    @Test
    void toolCallArgumentsSplitOverChunksFormOneToolUseBlockPerCall() {
        List<StreamEvent> events = decode(data(
                chunk("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}", null),
                chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}", null),
                chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}", null),
                chunk("{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]}", null),
                chunk("{}", "tool_calls"), USAGE, "[DONE]"));

        StreamRules.assertWellFormed(events);
        assertThat(events).containsSubsequence(
                new StreamEvent.BlockStart(0, new ContentBlock.ToolUse("call_a", "get_weather", "", ToolKind.FUNCTION)),
                new StreamEvent.ToolInputDelta(0, "{\"city\":"),
                new StreamEvent.ToolInputDelta(0, "\"Paris\"}"),
                new StreamEvent.BlockStop(0),
                new StreamEvent.BlockStart(1, new ContentBlock.ToolUse("call_b", "get_time", "", ToolKind.FUNCTION)),
                new StreamEvent.ToolInputDelta(1, "{}"),
                new StreamEvent.BlockStop(1),
                new StreamEvent.MessageStop(StopReason.TOOL_USE));
    }

    @Test
    void reasoningContentOpensAReasoningBlockThatClosesWhenTheTextBegins() {
        List<StreamEvent> events = decode(data(ROLE, chunk("{\"reasoning_content\":\"Think.\"}", null),
                chunk("{\"reasoning\":null,\"content\":\"Answer.\"}", null), chunk("{}", "stop"), USAGE, "[DONE]"));

        assertThat(events.subList(1, 7)).containsExactly(
                new StreamEvent.BlockStart(0, new ContentBlock.Reasoning("", null)),
                new StreamEvent.ReasoningDelta(0, "Think.", null),
                new StreamEvent.BlockStop(0),
                new StreamEvent.BlockStart(1, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(1, "Answer."),
                new StreamEvent.BlockStop(1));
    }

    @Test
    void ollamasReasoningFieldIsReasoningToo() {
        List<StreamEvent> events = decode(data(ROLE, chunk("{\"reasoning\":\"Hmm.\"}", null), chunk("{}", "stop"), "[DONE]"));

        assertThat(events).contains(new StreamEvent.ReasoningDelta(0, "Hmm.", null));
    }

    @Test
    void fieldsOfAnUnexpectedTypeReadAsAbsentAndUnknownOnesAreSkipped() {
        String odd = "{\"id\":\"chatcmpl-1\",\"model\":7,\"x_extra\":{\"a\":[1,{\"b\":[2]}]},\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":[\"not text\"],\"tool_calls\":null,\"annotations\":[{\"c\":{}}]},\"finish_reason\":null},{\"index\":1}]}";

        List<StreamEvent> events = decode(data(odd, chunk("{\"content\":\"Hi\"}", "stop"), "[DONE]"));

        StreamRules.assertWellFormed(events);
        assertThat(events).first().isEqualTo(new StreamEvent.MessageStart("chatcmpl-1", ""));
        assertThat(events).filteredOn(StreamEvent.TextDelta.class::isInstance).containsExactly(new StreamEvent.TextDelta(0, "Hi"));
    }

    @Test
    void aChunkWithAnythingAfterItsObjectIsNotJson() {
        assertThatThrownBy(() -> decode(data(ROLE + " {}")))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                    assertThat(e.getMessage()).contains("'recorded' sent a stream event that is not a JSON object");
                });
    }

    @Test
    void aWholeCompletionIsTheOneChunkOfAStreamWithItsToolCallsNumberedInOrder() {
        String completion = """
                {"id":"chatcmpl-9","object":"chat.completion","model":"gpt-5-mini","choices":[{"index":0,"message":{"role":"assistant",\
                "content":"Both.","refusal":null,"tool_calls":[{"id":"call_a","type":"function","function":{"name":"f","arguments":"{}"}},\
                {"id":"call_b","type":"function","function":{"name":"g","arguments":"{\\"x\\":1}"}}]},"finish_reason":"tool_calls"}],\
                "usage":{"prompt_tokens":120,"completion_tokens":30,"prompt_tokens_details":{"cached_tokens":20}}}
                """;

        List<StreamEvent> events = drain(new ChatCompletionsStreamDecoder(RecordedStream.of(completion), SseDecoder.Framing.WHOLE_BODY));

        assertThat(events).containsExactly(
                new StreamEvent.MessageStart("chatcmpl-9", "gpt-5-mini"),
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, "Both."),
                new StreamEvent.BlockStop(0),
                new StreamEvent.BlockStart(1, new ContentBlock.ToolUse("call_a", "f", "", ToolKind.FUNCTION)),
                new StreamEvent.ToolInputDelta(1, "{}"),
                new StreamEvent.BlockStop(1),
                new StreamEvent.BlockStart(2, new ContentBlock.ToolUse("call_b", "g", "", ToolKind.FUNCTION)),
                new StreamEvent.ToolInputDelta(2, "{\"x\":1}"),
                new StreamEvent.BlockStop(2),
                new StreamEvent.UsageReport(new Usage(100, 30, 20, 0)),
                new StreamEvent.MessageStop(StopReason.TOOL_USE));
    }

    @Test
    void finishReasonsMapToStopReasons() {
        assertThat(stopOf("length")).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(stopOf("content_filter")).isEqualTo(StopReason.CONTENT_FILTERED);
        assertThat(stopOf("function_call")).isEqualTo(StopReason.TOOL_USE);
        assertThat(stopOf("stop")).isEqualTo(StopReason.END_TURN);
    }

    @Test
    void aStopSequenceVllmNamesIsAStopSequenceStop() {
        String vllmFinish = "{\"id\":\"cmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"llama\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\",\"stop_reason\":\"END\"}]}";

        assertThat(decode(data(vllmFinish, "[DONE]")).getLast()).isEqualTo(new StreamEvent.MessageStop(StopReason.STOP_SEQUENCE));
    }

    @Test
    void aUsageChunkWithNullChoicesIsReadAsOpenAisEmptyOne() {
        String vllmUsage = "{\"id\":\"cmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"llama\",\"choices\":null,"
                + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10}}";

        List<StreamEvent> events = decode(data(ROLE, chunk("{\"content\":\"Hi\"}", "stop"), vllmUsage, "[DONE]"));

        assertThat(events).contains(new StreamEvent.UsageReport(new Usage(7, 3, 0, 0)));
        StreamRules.assertWellFormed(events);
    }

    @Test
    void aBodyThatEndsAfterTheFinishReasonButWithoutDoneIsStillAWholeAnswer() {
        List<StreamEvent> events = decode(data(ROLE, chunk("{\"content\":\"Hi\"}", null), chunk("{}", "stop"), USAGE));

        StreamRules.assertWellFormed(events);
        assertThat(events.getLast()).isEqualTo(new StreamEvent.MessageStop(StopReason.END_TURN));
    }

    @Test
    void aBodyThatEndsBeforeTheFinishReasonIsAnIncompleteAnswer() {
        assertThatThrownBy(() -> decode(data(ROLE, chunk("{\"content\":\"Hi\"}", null))))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                    assertThat(e.getMessage()).isEqualTo("The stream from provider 'recorded' ended before the answer was complete.");
                });
    }

    @Test
    void anUpstreamThatHangsUpMidAnswerIsAnIncompleteAnswer() {
        InputStream hangsUp = new SequenceInputStream(bytes(data(ROLE, chunk("{\"content\":\"Hi\"}", null))), failing(new IOException("reset")));

        assertThatThrownBy(() -> drain(new ChatCompletionsStreamDecoder(RecordedStream.of(hangsUp, RecordedStream.UNAVAILABLE))))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                    assertThat(e.getCause()).hasMessage("reset");
                });
    }

    @Test
    void anUpstreamThatFallsSilentTimesOut() {
        InputStream silent = new SequenceInputStream(bytes(data(ROLE)), failing(new SocketTimeoutException("Read timed out")));
        UpstreamBody upstream = RecordedStream.of(silent,
                e -> new QuarryException(QuarryError.of(ErrorKind.UPSTREAM_TIMEOUT, "timed out"), e));

        assertThatThrownBy(() -> drain(new ChatCompletionsStreamDecoder(upstream)))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT));
    }

    @Test
    void anErrorEventMidStreamIsThrownAsItsKind() {
        String error = "{\"error\":{\"message\":\"The server is overloaded.\",\"type\":\"server_error\",\"param\":null,\"code\":\"server_error\"}}";
        ChatCompletionsStreamDecoder decoder = new ChatCompletionsStreamDecoder(RecordedStream.of(data(ROLE, chunk("{\"content\":\"Hi\"}", null), error)));

        assertThat(decoder.next()).isInstanceOf(StreamEvent.MessageStart.class);
        assertThatThrownBy(() -> drain(decoder))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("recorded", "The server is overloaded.");
                });
    }

    @Test
    void aToolCallResumedAfterOtherOutputIsRefusedRatherThanInterleaved() {
        String body = data(
                chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\"}}]}", null),
                chunk("{\"content\":\"text\"}", null),
                chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"}\"}}]}", null));

        assertThatThrownBy(() -> decode(body))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR));
    }

    @Test
    void closingTheStreamReleasesTheConnection() {
        AtomicBoolean closed = new AtomicBoolean();
        InputStream body = new ByteArrayInputStream(data(ROLE).getBytes(StandardCharsets.UTF_8)) {
            @Override
            public void close() {
                closed.set(true);
            }
        };
        ChatCompletionsStreamDecoder decoder = new ChatCompletionsStreamDecoder(RecordedStream.of(body, RecordedStream.UNAVAILABLE));

        decoder.next();
        decoder.close();

        assertThat(closed).isTrue();
    }

    private static StopReason stopOf(String finishReason) {
        StreamEvent last = decode(data(chunk("{}", finishReason), "[DONE]")).getLast();
        return ((StreamEvent.MessageStop) last).reason();
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static InputStream failing(IOException failure) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                throw failure;
            }
        };
    }
}
