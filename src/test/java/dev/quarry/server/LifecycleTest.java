package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.metering.UsageQueries;
import dev.quarry.metering.UsageRecord;
import dev.quarry.store.Database;
import dev.quarry.testing.SlowChatUpstream;
import dev.quarry.testing.TestQuarry;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Graceful shutdown and clients that hang up: open streams finish or are billed for what they produced. */
class LifecycleTest {
    private static final String BODY = "{\"model\":\"slow\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}";

    @Test
    void shutdownLetsAnOpenStreamFinishRefusesNewRequestsAndFlushesTheLedger() throws Exception {
        try (SlowChatUpstream upstream = new SlowChatUpstream(10, Duration.ofMillis(100))) {
            TestQuarry quarry = TestQuarry.start(config(upstream), Map.of());
            String key = quarry.newKey("lifecycle");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<InputStream> open = http.send(request(quarry, key), HttpResponse.BodyHandlers.ofInputStream());
            BufferedReader body = new BufferedReader(new InputStreamReader(open.body(), StandardCharsets.UTF_8));
            assertThat(body.readLine()).startsWith("data: ");

            CompletableFuture<Void> shutdown = CompletableFuture.runAsync(quarry::close);
            Thread.sleep(150);
            HttpResponse<String> late = http.send(request(quarry, key), HttpResponse.BodyHandlers.ofString());
            assertThat(late.statusCode()).isEqualTo(503);
            assertThat(late.headers().firstValue("retry-after")).isPresent();

            String rest = body.lines().reduce("", (a, b) -> a + b + "\n");
            assertThat(rest).contains("w9 ").endsWith("data: [DONE]\n\n");
            shutdown.get();

            String requestId = open.headers().firstValue("x-request-id").orElseThrow();
            try (Database db = Database.sqliteIn(quarry.dataDir())) {
                UsageRecord record = new UsageQueries(db).byRequestId(requestId).orElseThrow();
                assertThat(record.status()).isEqualTo("completed");
                assertThat(record.usage().outputTokens()).isEqualTo(10);
            }
        }
    }

    @Test
    void aClientThatHangsUpMidStreamIsRecordedAsCancelled() throws Exception {
        // Long enough (10 s) that even a starved test machine hangs up before the answer is over.
        try (SlowChatUpstream upstream = new SlowChatUpstream(200, Duration.ofMillis(50));
             TestQuarry quarry = TestQuarry.start(config(upstream), Map.of())) {
            // HTTP/1.1: hanging up closes the connection, which the server notices at its next write.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<InputStream> open = http.send(request(quarry, quarry.newKey("quitter")), HttpResponse.BodyHandlers.ofInputStream());
            InputStream body = open.body();
            assertThat(new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)).readLine()).startsWith("data: ");
            body.close();

            UsageRecord record = quarry.ledgerRecord(open.headers().firstValue("x-request-id").orElseThrow());
            assertThat(record.status()).isEqualTo("cancelled");
            assertThat(record.provider()).isEqualTo("slow-upstream");
        }
    }

    private static String config(SlowChatUpstream upstream) {
        return """
                server: { shutdown_grace_seconds: 10 }
                providers: [{ name: slow-upstream, type: openai-compatible, base_url: "%s" }]
                models: [{ id: slow, deployments: [{ provider: slow-upstream, model: slow }] }]
                """.formatted(upstream.baseUrl());
    }

    private static HttpRequest request(TestQuarry quarry, String key) {
        return HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
    }
}
