package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.metering.UsageQueries;
import dev.quarry.metering.UsageRecord;
import dev.quarry.store.Database;
import dev.quarry.testing.QuarryProcess;
import dev.quarry.testing.SlowChatUpstream;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a Quarry process while a three-second stream is open, with ten seconds of grace:
 * {@code /readyz} fails at once, requests that arrive meanwhile get a 503 (529 on the Anthropic
 * surface, as its API answers when overloaded) with Retry-After in their API's error shape, the
 * stream is served to its end and billed as completed, and the process logs its draining and what
 * it flushed, then exits 0 without a stack trace or a severe log line.
 */
class GracefulShutdownTest {
    private static final String BODY = "{\"model\":\"slow\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}";

    @TempDir
    Path dir;

    @Test
    void sigtermLetsAnOpenStreamFinishAndTurnsNewRequestsAway() throws Exception {
        try (SlowChatUpstream upstream = new SlowChatUpstream(30, Duration.ofMillis(100))) {
            Path config = slowModelConfig(upstream, 10);
            try (QuarryProcess quarry = QuarryProcess.start(dir, config, QuarryProcess.freePort())) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<InputStream> open = http.send(post(quarry, "/v1/chat/completions", BODY), HttpResponse.BodyHandlers.ofInputStream());
                BufferedReader stream = new BufferedReader(new InputStreamReader(open.body(), StandardCharsets.UTF_8));
                assertThat(stream.readLine()).startsWith("data: ");
                int logBefore = quarry.log().length();

                quarry.terminate();
                HttpResponse<String> ready = awaitDraining(http, quarry);
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("draining");
                assertThat(get(http, quarry, "/healthz").statusCode()).as("alive while draining").isEqualTo(200);

                HttpResponse<String> openAi = http.send(post(quarry, "/v1/chat/completions", BODY), HttpResponse.BodyHandlers.ofString());
                assertThat(openAi.statusCode()).isEqualTo(503);
                assertThat(openAi.headers().firstValue("retry-after")).hasValue("1");
                assertThat(openAi.body()).contains("\"error\":{", "shutting down");
                HttpResponse<String> anthropic = http.send(post(quarry, "/v1/messages", BODY), HttpResponse.BodyHandlers.ofString());
                assertThat(anthropic.statusCode()).isEqualTo(529);
                assertThat(anthropic.headers().firstValue("retry-after")).hasValue("1");
                assertThat(anthropic.body()).startsWith("{\"type\":\"error\"");
                HttpResponse<String> bedrock = http.send(post(quarry, "/model/slow/converse", "{}"), HttpResponse.BodyHandlers.ofString());
                assertThat(bedrock.statusCode()).isEqualTo(503);
                assertThat(bedrock.headers().firstValue("x-amzn-errortype")).isPresent();
                assertThat(bedrock.headers().firstValue("retry-after")).hasValue("1");

                String rest = stream.lines().collect(Collectors.joining("\n"));
                assertThat(rest).contains("w29 ").endsWith("data: [DONE]\n");
                assertThat(quarry.exitCode(Duration.ofSeconds(30))).as("a graceful stop succeeds").isZero();
                String shutdown = quarry.log().substring(logBefore);
                // Health probes are not counted: one request open, the stream; three turned away.
                assertThat(shutdown).contains("draining for up to 10 s: /readyz answers 503 and new requests get 503 with "
                                + "Retry-After; 1 open request")
                        .containsPattern("drained 1 open request in \\d+\\.\\d s and turned away 3 new ones; "
                                + "wrote the \\d+ ledger rows and \\d+ audit events still queued; stopped")
                        .doesNotContain("SEVERE", "Exception", "\tat ");

                String requestId = open.headers().firstValue("x-request-id").orElseThrow();
                try (Database db = Database.sqliteIn(dir.resolve("data"))) {
                    UsageRecord record = new UsageQueries(db).byRequestId(requestId).orElseThrow();
                    assertThat(record.status()).isEqualTo("completed");
                    assertThat(record.usage().outputTokens()).isEqualTo(30);
                }
            }
        }
    }

    @Test
    void anIdleNodeTurnsRequestsAwayAfterSigtermRatherThanRefusingThem() throws Exception {
        Path config = Files.writeString(dir.resolve("quarry.yaml"), "server: { shutdown_grace_seconds: 10 }\n");
        try (QuarryProcess quarry = QuarryProcess.start(dir, config, QuarryProcess.freePort())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            quarry.terminate();
            assertThat(awaitDraining(http, quarry).statusCode()).isEqualTo(503);

            HttpResponse<String> late = http.send(post(quarry, "/v1/chat/completions", BODY), HttpResponse.BodyHandlers.ofString());
            assertThat(late.statusCode()).isEqualTo(503);
            assertThat(late.headers().firstValue("retry-after")).hasValue("1");
            assertThat(quarry.exitCode(Duration.ofSeconds(30))).isZero();
            assertThat(quarry.log()).containsPattern("drained 0 open requests in \\d+\\.\\d s and turned away 1 new one; wrote the");
        }
    }

    @Test
    void aStreamLongerThanTheGracePeriodIsCutAndSaidSo() throws Exception {
        try (SlowChatUpstream upstream = new SlowChatUpstream(300, Duration.ofMillis(100))) {
            Path config = slowModelConfig(upstream, 1);
            try (QuarryProcess quarry = QuarryProcess.start(dir, config, QuarryProcess.freePort())) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<InputStream> open = http.send(post(quarry, "/v1/chat/completions", BODY), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(new BufferedReader(new InputStreamReader(open.body(), StandardCharsets.UTF_8)).readLine()).startsWith("data: ");

                quarry.terminate();
                assertThat(quarry.exitCode(Duration.ofSeconds(30))).isZero();
                assertThat(quarry.log()).contains("1 open request left after the 1 s grace period (server.shutdown_grace_seconds); "
                                + "stopping anyway")
                        .containsPattern("drained 0 of 1 open request in \\d+\\.\\d s and turned away 0 new ones; wrote the")
                        .doesNotContain("SEVERE", "\tat ");

                String requestId = open.headers().firstValue("x-request-id").orElseThrow();
                try (Database db = Database.sqliteIn(dir.resolve("data"))) {
                    UsageRecord record = new UsageQueries(db).byRequestId(requestId).orElseThrow();
                    assertThat(record.status()).as("billed for what it streamed, as a client that hung up").isEqualTo("cancelled");
                    assertThat(record.usage().outputTokens()).isPositive();
                }
            }
        }
    }

    /** {@code /readyz}'s answer once it no longer says ready: the first thing that changes on SIGTERM. */
    private static HttpResponse<String> awaitDraining(HttpClient http, QuarryProcess quarry) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        HttpResponse<String> ready = get(http, quarry, "/readyz");
        while (ready.statusCode() == 200 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            ready = get(http, quarry, "/readyz");
        }
        return ready;
    }

    private static HttpResponse<String> get(HttpClient http, QuarryProcess quarry, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest post(QuarryProcess quarry, String path, String body) {
        return HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path))
                .header("Authorization", "Bearer " + QuarryProcess.ADMIN_KEY).header("x-api-key", QuarryProcess.ADMIN_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** A configuration serving model {@code slow} from the slow upstream, with that shutdown grace. */
    private Path slowModelConfig(SlowChatUpstream upstream, int graceSeconds) throws java.io.IOException {
        return Files.writeString(dir.resolve("quarry.yaml"), """
                server: { shutdown_grace_seconds: %d }
                providers: [{ name: slow-upstream, type: openai-compatible, base_url: "%s" }]
                models: [{ id: slow, deployments: [{ provider: slow-upstream, model: slow }] }]
                """.formatted(graceSeconds, upstream.baseUrl()));
    }
}
