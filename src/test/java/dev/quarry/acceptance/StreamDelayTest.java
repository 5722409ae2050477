package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.testing.SplittingChatUpstream;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A streamed answer's events leave as soon as they are written: the server's sockets have
 * TCP_NODELAY on. With Nagle's algorithm on (Helidon's default), an event written while the one
 * before it is not yet acknowledged waits for the client's delayed ACK, about 40 ms on Linux, so on
 * a kept-alive connection the end of every stream came that much late. Measured as the time from
 * the upstream's last chunk to the client's {@code [DONE]}, the median of several streams on one
 * connection; with Nagle each is 40 ms or more, without it a millisecond or two. (The stub upstream
 * sends without Nagle too: the build sets {@code sun.net.httpserver.nodelay} for every test.)
 */
class StreamDelayTest {
    private static final int STREAMS = 7;
    private static SplittingChatUpstream upstream;
    private static TestQuarry quarry;

    @BeforeAll
    static void start() {
        upstream = SplittingChatUpstream.start(List.of("One ", "small ", "chunk ", "after ", "another."));
        quarry = TestQuarry.start("""
                providers:
                  - { name: split, type: openai, api: chat_completions, base_url: "%s", api_key_env: STUB_KEY }
                models:
                  - { id: splitter, deployments: [{ provider: split, model: gpt-split }] }
                """.formatted(upstream.baseUrl()), Map.of("STUB_KEY", "stub"));
    }

    @AfterAll
    static void stop() {
        if (quarry != null) quarry.close();
        if (upstream != null) upstream.close();
    }

    @Test
    void theEndOfAStreamReachesAKeptAliveClientWithoutWaitingForAnAck() throws Exception {
        String key = quarry.newKey("stream-delay");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"splitter\", \"stream\": true, "
                        + "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"))
                .build();
        List<Long> lateness = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            long done = 0;
            HttpResponse<Stream<String>> response = client.send(request, HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            try (Stream<String> lines = response.body()) {
                for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                    if (it.next().equals("data: [DONE]")) done = System.nanoTime();
                }
            }
            assertThat(done).as("the stream ended with [DONE]").isNotZero();
            lateness.add(done - upstream.served().getLast().lastChunkSentAt());
        }
        List<Long> sorted = lateness.stream().sorted().toList();
        Duration median = Duration.ofNanos(sorted.get(sorted.size() / 2));
        assertThat(median).as("from the upstream's last chunk to the client's [DONE], median of %s (ns)", lateness)
                .isLessThan(Duration.ofMillis(25));
    }
}
