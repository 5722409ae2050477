package dev.quarry.bench.jmh;

import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.surface.bedrock.ConverseStreamEncoder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * AWS event-stream encoding of the same 200-delta answer by the Bedrock ConverseStream encoder:
 * messageStart, 200 contentBlockDelta, contentBlockStop, messageStop and metadata frames, each
 * with its headers and two CRC32s, into a reused in-memory body. The score is per stream.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventStreamEncodingBench {
    List<StreamEvent> events;
    final Sink sink = new Sink();

    @Setup
    public void setUp() {
        events = Fixtures.textStream(SseEncodingBench.DELTAS);
    }

    @Benchmark
    public int bedrockConverseStream() {
        sink.reset();
        new ConverseStreamEncoder(sink, () -> 412L).write(EventStream.of(events));
        return sink.size();
    }
}
