package dev.quarry.bench.jmh;

import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.surface.SseWriter;
import dev.quarry.surface.anthropic.MessagesEncoder;
import dev.quarry.surface.openai.ChatCompletionsEncoder;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * SSE encoding of one whole streamed answer, a canonical stream of 200 text deltas, by the Chat
 * Completions encoder (201 chunks, a usage chunk and {@code [DONE]}) and by the Anthropic Messages
 * encoder (message_start, ping, block start, 200 content_block_delta, block stop, message_delta,
 * message_stop), each through the {@link SseWriter} the server uses, into a reused in-memory
 * body. The score is per stream; divide by 200 for a delta.
 */
public class SseEncodingBench extends Microbenchmark {
    public static final int DELTAS = 200;

    List<StreamEvent> events;
    ChatCompletionsEncoder openAi;
    MessagesEncoder anthropic;
    final Sink sink = new Sink();
    SseWriter sse;

    @Setup
    public void setUp() {
        events = Fixtures.textStream(DELTAS);
        openAi = new ChatCompletionsEncoder("chatcmpl-8f3a2b1c4d5e6f708192a3b4", "gpt-5.5", 1_772_442_900L);
        anthropic = new MessagesEncoder("msg_01XFDUDYJgAACzvnptvVoYEL", "claude-sonnet-4-5");
        sse = new SseWriter(sink);
    }

    @Benchmark
    public int openAiChatCompletions() {
        sink.reset();
        openAi.stream(EventStream.of(events), sse, true);
        return sink.size();
    }

    @Benchmark
    public int anthropicMessages() {
        sink.reset();
        anthropic.stream(EventStream.of(events), sse, 1_234);
        return sink.size();
    }
}
