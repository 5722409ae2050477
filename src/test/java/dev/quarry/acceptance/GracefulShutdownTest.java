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
 * SIGTERM to a Quarry process while a three-second stream is open, with five seconds of grace:
 * the stream is served to its end and billed as completed, requests that arrive meanwhile get a
 * 503 with Retry-After, and the process logs its draining and what it flushed, then exits.
 */
class GracefulShutdownTest {
    private static final String BODY = "{\"model\":\"slow\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}";

    @TempDir
    Path dir;

    @Test
    void sigtermLetsAnOpenStreamFinishAndTurnsNewRequestsAway() throws Exception {
        try (SlowChatUpstream upstream = new SlowChatUpstream(30, Duration.ofMillis(100))) {
            Path config = Files.writeString(dir.resolve("quarry.yaml"), """
                    server: { shutdown_grace_seconds: 5 }
                    providers: [{ name: slow-upstream, type: openai-compatible, base_url: "%s" }]
                    models: [{ id: slow, deployments: [{ provider: slow-upstream, model: slow }] }]
                    """.formatted(upstream.baseUrl()));
            try (QuarryProcess quarry = QuarryProcess.start(dir, config, QuarryProcess.freePort())) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<InputStream> open = http.send(chat(quarry), HttpResponse.BodyHandlers.ofInputStream());
                BufferedReader stream = new BufferedReader(new InputStreamReader(open.body(), StandardCharsets.UTF_8));
                assertThat(stream.readLine()).startsWith("data: ");

                quarry.terminate();
                HttpResponse<String> late = awaitDraining(http, quarry);
                assertThat(late.statusCode()).isEqualTo(503);
                assertThat(late.headers().firstValue("retry-after")).isPresent();

                String rest = stream.lines().collect(Collectors.joining("\n"));
                assertThat(rest).contains("w29 ").endsWith("data: [DONE]\n");
                assertThat(quarry.exitCode(Duration.ofSeconds(30))).as("the JVM's code for an exit on SIGTERM").isEqualTo(143);
                // The stream, and perhaps a readiness probe of the test that was under way.
                assertThat(quarry.log()).containsPattern("Quarry draining: new requests get 503; [12] requests in flight get up to 5s to finish")
                        .contains("Quarry drained: every request finished", "Quarry stopped; flushed ");

                String requestId = open.headers().firstValue("x-request-id").orElseThrow();
                try (Database db = Database.sqliteIn(dir.resolve("data"))) {
                    UsageRecord record = new UsageQueries(db).byRequestId(requestId).orElseThrow();
                    assertThat(record.status()).isEqualTo("completed");
                    assertThat(record.usage().outputTokens()).isEqualTo(30);
                }
            }
        }
    }

    /** A chat request once {@code /readyz} says the process is draining. */
    private static HttpResponse<String> awaitDraining(HttpClient http, QuarryProcess quarry) throws Exception {
        HttpRequest ready = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/readyz")).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode() == 200 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return http.send(chat(quarry), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest chat(QuarryProcess quarry) {
        return HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + QuarryProcess.ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
    }
}
