package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.metering.UsageRecord;
import dev.quarry.testing.AccessLog;
import dev.quarry.testing.BedrockH2c;
import dev.quarry.testing.Eventually;
import dev.quarry.testing.H2cConnection;
import dev.quarry.testing.SlowChatUpstream;
import dev.quarry.testing.TestQuarry;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that resets one stream (RST_STREAM) while it is being answered has cancelled that
 * request, as one that hangs up over HTTP/1.1 has: the upstream call is cut within a few words,
 * the ledger records what was produced as cancelled, the access log has its line; the
 * connection's other streams, opened before or after the reset, are answered whole.
 */
class Http2ResetStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The slow model's answer takes two seconds. */
    private static final int SLOW_WORDS = 40;
    private static final Duration SLOW_PAUSE = Duration.ofMillis(50);
    private static final Duration WHOLE_ANSWER = SLOW_PAUSE.multipliedBy(SLOW_WORDS);
    /** How soon after the reset the upstream must have been cut: a few words, far less than the rest of the answer. */
    private static final Duration CUT_WITHIN = SLOW_PAUSE.multipliedBy(15);
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final int CANCEL = 0x8;
    private static final Pattern MILLIS = Pattern.compile(" ms=(\\d+)");

    static SlowChatUpstream slow;
    static TestQuarry quarry;
    static IssuedKey key;
    static int port;
    static AccessLog access;

    @BeforeAll
    static void start() {
        slow = new SlowChatUpstream(SLOW_WORDS, SLOW_PAUSE);
        quarry = TestQuarry.start(slow.modelConfig(), Map.of());
        key = quarry.quarry().identities().createKey("reset-user", PrincipalKind.USER);
        port = URI.create(quarry.baseUrl()).getPort();
        access = AccessLog.record();
    }

    @AfterAll
    static void stop() {
        access.close();
        quarry.close();
        slow.close();
    }

    @Test
    void aResetChatCompletionsStreamIsCancelledAndTheConnectionsOtherStreamsAreAnsweredWhole() throws Exception {
        Map<String, String> headers = Map.of("content-type", "application/json", "authorization", "Bearer " + key.apiKey());
        byte[] body = JSON.writeValueAsBytes(Map.of("model", "slow", "stream", true, "messages", List.of(Map.of("role", "user", "content", "go"))));
        int served = slow.served();
        try (var h2 = H2cConnection.open(port)) {
            h2.post(1, "/v1/chat/completions", headers, body);
            h2.post(3, "/v1/chat/completions", headers, body);

            resetMidAnswer(h2, 1);
            h2.post(5, "/v1/chat/completions", headers, body);

            for (int stream : new int[] {3, 5}) {
                assertThat(h2.awaitEnd(stream, PATIENCE)).as("stream %d ended", stream).isTrue();
                assertThat(h2.body(stream)).as("stream %d", stream).endsWith("data: [DONE]\n\n");
            }
            assertThat(slow.served() - served).as("answers the slow model finished").isEqualTo(2);
        }
    }

    @Test
    void aResetMessagesStreamIsCancelled() throws Exception {
        Map<String, String> headers = Map.of("content-type", "application/json", "x-api-key", key.apiKey(), "anthropic-version", "2023-06-01");
        byte[] body = JSON.writeValueAsBytes(Map.of("model", "slow", "stream", true, "max_tokens", 100,
                "messages", List.of(Map.of("role", "user", "content", "go"))));
        try (var h2 = H2cConnection.open(port)) {
            h2.post(1, "/v1/messages", headers, body);

            resetMidAnswer(h2, 1);
        }
    }

    @Test
    void aResetConverseStreamIsCancelled() throws Exception {
        byte[] body = JSON.writeValueAsBytes(Map.of("messages", List.of(Map.of("role", "user", "content", List.of(Map.of("text", "go"))))));
        String path = "/model/slow/converse-stream";
        try (var h2 = H2cConnection.open(port)) {
            h2.post(1, path, BedrockH2c.sign(key, path, Map.of(":authority", h2.authority(), "content-type", "application/json"), body), body);

            resetMidAnswer(h2, 1);
        }
    }

    /**
     * A non-streaming answer is written whole or not at all: the stream reset while the model
     * answers fails that write, and the call still has its access line, with the status it answered with.
     */
    @Test
    void aResetStreamAwaitingAWholeAnswerStillHasItsAccessLine() throws Exception {
        Map<String, String> headers = Map.of("content-type", "application/json", "authorization", "Bearer " + key.apiKey());
        byte[] body = JSON.writeValueAsBytes(Map.of("model", "slow", "messages", List.of(Map.of("role", "user", "content", "go"))));
        int before = access.lines().size();
        try (var h2 = H2cConnection.open(port)) {
            h2.post(1, "/v1/chat/completions", headers, body);
            Thread.sleep(SLOW_PAUSE.multipliedBy(4));
            h2.reset(1, CANCEL);

            // The model answers within Eventually's patience.
            String line = Eventually.theOne(() -> access.lines().subList(before, access.lines().size()).stream()
                    .filter(l -> l.contains("path=/v1/chat/completions")).toList());
            assertThat(line).contains("status=200");
        }
    }

    /**
     * Java's HTTP client over HTTP/2 (upgraded from HTTP/1.1 by its first request, as it does for
     * {@code http://}) resets a stream whose body the caller closes before its end.
     */
    @Test
    void aJavaClientThatClosesAStreamingBodyCancelsTheCall() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/healthz")).build(), HttpResponse.BodyHandlers.discarding())
                .version()).isEqualTo(HttpClient.Version.HTTP_2);
        byte[] body = JSON.writeValueAsBytes(Map.of("model", "slow", "stream", true, "messages", List.of(Map.of("role", "user", "content", "go"))));
        int cut = slow.cut();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key.apiKey())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        try (InputStream answer = response.body()) {
            answer.readNBytes(1);
            Thread.sleep(SLOW_PAUSE.multipliedBy(4));
        }
        long resetAt = System.nanoTime();

        assertCancelledPromptly(response.headers().firstValue("x-request-id").orElseThrow(), cut, resetAt);
    }

    /**
     * Resets {@code stream} a few words into its answer, and checks that its call ended as a
     * hung-up client's does.
     */
    private static void resetMidAnswer(H2cConnection h2, int stream) throws Exception {
        int cut = slow.cut();
        h2.awaitData(stream, PATIENCE);
        Thread.sleep(SLOW_PAUSE.multipliedBy(4));

        h2.reset(stream, CANCEL);
        long resetAt = System.nanoTime();

        assertCancelledPromptly(h2.headers(stream).get("x-request-id"), cut, resetAt);
    }

    /**
     * The call {@code requestId}, whose client went away at {@code resetAt}, ended as a hung-up
     * client's does: the upstream call cut promptly (the stub's count of cut answers past {@code
     * cut}), settled as cancelled with what was produced, logged as answered (200) after less
     * than the whole answer's time.
     */
    private static void assertCancelledPromptly(String requestId, int cut, long resetAt) throws InterruptedException {
        while (slow.cut() == cut && System.nanoTime() - resetAt < CUT_WITHIN.toNanos()) Thread.sleep(5);
        assertThat(slow.cut() - cut).as("upstream calls cut within %s of the reset", CUT_WITHIN).isEqualTo(1);
        UsageRecord record = quarry.ledgerRecord(requestId);
        assertThat(record.status()).isEqualTo("cancelled");
        assertThat(record.usage().outputTokens()).as("what was produced").isBetween(1L, SLOW_WORDS - 1L);
        String line = Eventually.theOne(() -> access.lines().stream().filter(l -> l.contains("request_id=" + requestId)).toList());
        assertThat(line).contains("status=200");
        Matcher millis = MILLIS.matcher(line);
        assertThat(millis.find()).as(line).isTrue();
        assertThat(Long.parseLong(millis.group(1))).as(line).isLessThan(WHOLE_ANSWER.toMillis());
    }
}
