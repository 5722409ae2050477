package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.store.Database;
import dev.quarry.testing.QuarryProcess;
import dev.quarry.testing.SlowChatUpstream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Quarry process under streaming load is killed with SIGKILL. After a restart, every answer a
 * client received in full has its ledger row, and no answer is recorded as completed that the
 * upstream never finished serving: the ledger row is durable before the last byte is sent.
 */
class CrashSafetyTest {
    private static final String BODY = "{\"model\":\"steady\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}";

    @TempDir
    Path dir;

    @Test
    void aKilledProcessLosesNoRecordOfACompletedAnswer() throws Exception {
        try (SlowChatUpstream upstream = new SlowChatUpstream(3, Duration.ofMillis(2))) {
            Path config = Files.writeString(dir.resolve("quarry.yaml"), """
                    providers: [{ name: steady-upstream, type: openai-compatible, base_url: "%s" }]
                    models: [{ id: steady, deployments: [{ provider: steady-upstream, model: steady }] }]
                    """.formatted(upstream.baseUrl()));
            int port = QuarryProcess.freePort();
            QuarryProcess quarry = QuarryProcess.start(dir, config, port);
            AtomicInteger completed = new AtomicInteger();
            AtomicBoolean running = new AtomicBoolean(true);
            HttpClient http = HttpClient.newHttpClient();
            try (ExecutorService load = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 16; i++) {
                    load.submit(() -> {
                        while (running.get()) {
                            if (streamToTheEnd(http, port)) completed.incrementAndGet();
                        }
                        return null;
                    });
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (completed.get() < 300 && System.nanoTime() < deadline) Thread.sleep(20);
                quarry.kill();
                running.set(false);
            }
            assertThat(completed.get()).as("answers completed before the kill").isGreaterThan(50);

            QuarryProcess restarted = QuarryProcess.start(dir, config, port);
            restarted.terminate();
            restarted.exitCode(Duration.ofSeconds(30));

            long recordedComplete;
            try (Database db = Database.sqliteIn(dir.resolve("data"))) {
                recordedComplete = db.read(c -> {
                    try (var s = c.createStatement();
                         ResultSet r = s.executeQuery("SELECT count(*) FROM usage_ledger WHERE status = 'completed'")) {
                        r.next();
                        return r.getLong(1);
                    }
                });
            }
            assertThat(recordedComplete).as("completed ledger rows").isGreaterThanOrEqualTo(completed.get())
                    .isLessThanOrEqualTo(upstream.served());
        }
    }

    /** One streaming request read to its last byte; false if the stream broke off or was refused. */
    private static boolean streamToTheEnd(HttpClient http, int port) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + QuarryProcess.ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) return false;
            try (BufferedReader body = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                return body.lines().anyMatch("data: [DONE]"::equals);
            }
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
