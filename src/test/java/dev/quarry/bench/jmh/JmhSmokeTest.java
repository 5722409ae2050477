package dev.quarry.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.aws.EventStreamCodec;
import dev.quarry.routing.Routed;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * A seconds-long check that the JMH benchmarks are wired (the annotation processor generated
 * them, JMH finds them, their set-up holds), not a measurement: the real run is bench/jmh.
 */
class JmhSmokeTest {

    @Test
    void oneBenchmarkRunsThroughJmh() throws RunnerException {
        Options options = new OptionsBuilder()
                .include(PolicyBench.class.getName() + ".evaluateOnly$")
                .forks(0)
                .threads(1)
                .warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
                .measurementIterations(1).measurementTime(TimeValue.milliseconds(200))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
        // JMH refuses to start while another JMH run (bench/jmh) holds its lock file; this in-process run can share the machine.
        String ignoreLock = System.getProperty("jmh.ignoreLock");
        System.setProperty("jmh.ignoreLock", "true");
        Collection<RunResult> results;
        try {
            results = new Runner(options).run();
        } finally {
            if (ignoreLock == null) System.clearProperty("jmh.ignoreLock");
            else System.setProperty("jmh.ignoreLock", ignoreLock);
        }

        assertThat(results).hasSize(1);
        assertThat(results.iterator().next().getPrimaryResult().getScore()).isPositive();
    }

    /** Every benchmark once, outside JMH: each set-up checks its fixture answers as intended, so none measures a refusal. */
    @Test
    void everyBenchmarkAnswersAsIntended() throws Exception {
        var sigV4 = new SigV4Bench();
        sigV4.setUp();
        assertThat(sigV4.verifyReceivedCall().scope().region()).isEqualTo("eu-west-1");
        assertThat(sigV4.verifyOnly()).isNotNull();

        var policy = new PolicyBench();
        policy.setUp();
        assertThat(policy.decideInvokeModel().decidedBy()).isEqualTo("SearchTeamFrontierModels/ClaudeForSearch");

        var sse = new SseEncodingBench();
        sse.setUp();
        assertThat(sse.openAiChatCompletions()).isPositive();
        assertThat(new String(sse.sink.toByteArray(), StandardCharsets.UTF_8))
                .contains("\"content\":\" gateway\"").endsWith("data: [DONE]\n\n");
        assertThat(sse.anthropicMessages()).isPositive();
        assertThat(new String(sse.sink.toByteArray(), StandardCharsets.UTF_8))
                .contains("\"text\":\" gateway\"").endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");

        var bedrock = new EventStreamEncodingBench();
        bedrock.setUp();
        assertThat(bedrock.bedrockConverseStream()).isPositive();
        assertThat(countFrames(bedrock.sink.toByteArray())).isEqualTo(SseEncodingBench.DELTAS + 4);

        var translation = new TranslationBench();
        translation.setUp();
        assertThat(translation.decodeChatCompletions().tools()).hasSize(3);
        assertThat(new String(translation.encodeAnthropicMessages(), StandardCharsets.UTF_8))
                .contains("\"tool_use_id\":\"call_03\"").contains("\"stream\":true");

        var routing = new RoutingBench();
        routing.setUp();
        assertThat(routing.firstDeploymentServes()).isInstanceOf(Routed.Served.class);
        assertThat(routing.failoverToSecond().trace().attempts()).hasSize(2);
        assertThat(routing.virtualThreadHandOff()).isEqualTo("stream");
        assertThat(routing.firstDeploymentServesOnVirtualThread()).isEqualTo(RoutingBench.BATCH);

        var tokens = new TokenCountBench();
        tokens.chars = 1024;
        tokens.setUp();
        assertThat(tokens.o200k()).as("o200k_base packs this text tighter than the estimate").isPositive().isLessThan(tokens.estimate());
        assertThat(tokens.cl100k()).isPositive();
        assertThat(tokens.requestO200k()).as("within the bound, the request is the text plus its framing").isEqualTo(tokens.o200k() + 3 + 3);
        assertThat(tokens.requestEstimate()).isEqualTo(tokens.estimate() + 4);
    }

    private static int countFrames(byte[] body) throws IOException {
        var in = new ByteArrayInputStream(body);
        int frames = 0;
        while (EventStreamCodec.read(in) != null) frames++;
        return frames;
    }
}
