package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.metering.UsageRecord;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Forty users stream answers while another asks, at the same time, for models whose names are
 * too long for the ledger and hold NUL: every stream delivered in full has its ledger row, and
 * so does every hostile request, its model name cut to fit.
 */
class HostileModelNameLedgerTest {
    private static final int USERS = 40;
    private static final int HOSTILE = 10;
    private static final String HOSTILE_MODEL = "x".repeat(300) + "\\u0000";

    private record Answer(String requestId, int status, String body) {}

    @Test
    void everyCompletedStreamHasItsLedgerRowOnPostgres() throws Exception {
        try (TestQuarry quarry = TestQuarry.startOn("postgresql"); HttpClient http = HttpClient.newHttpClient()) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < USERS; i++) keys.add(quarry.newKey("streamer-" + i));
            String attacker = quarry.newKey("attacker");
            List<Future<Answer>> streams = new ArrayList<>();
            List<Future<Answer>> hostile = new ArrayList<>();
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < USERS; i++) {
                    String key = keys.get(i);
                    streams.add(threads.submit(() -> stream(http, quarry, key, "quarry/echo")));
                    if (i % (USERS / HOSTILE) == 0) hostile.add(threads.submit(() -> stream(http, quarry, attacker, HOSTILE_MODEL)));
                }
            }
            for (Future<Answer> s : streams) {
                Answer answer = s.get();
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.body()).contains("data: [DONE]");
                assertThat(quarry.ledgerRecord(answer.requestId()).status()).isEqualTo("completed");
            }
            for (Future<Answer> h : hostile) {
                Answer answer = h.get();
                assertThat(answer.status()).isEqualTo(404);
                UsageRecord record = quarry.ledgerRecord(answer.requestId());
                assertThat(record.errorKind()).isEqualTo("MODEL_NOT_FOUND");
                assertThat(record.model()).hasSizeLessThanOrEqualTo(200).startsWith("xxx").doesNotContain("\0");
            }
        }
    }

    private static Answer stream(HttpClient http, TestQuarry quarry, String key, String model) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me a long story\"}]}"))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.headers().firstValue("x-request-id").orElseThrow(), response.statusCode(), response.body());
    }
}
