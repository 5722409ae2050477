package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.metering.UsageRecord;
import dev.quarry.testing.TestQuarry;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The acceptance test: 200 concurrent streaming requests against a hard budget. The total
 * settled cost never exceeds the budget by more than one reservation, every refused request got
 * the budget error, and every request that got a 200 is in the ledger.
 *
 * <p>Prices are set high ($1,000 per million tokens) so that each request costs about $0.20 and
 * reserves about $0.30: a $10 budget admits a few dozen of the 200 and must refuse the rest.
 */
class BudgetConcurrencyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUESTS = 200;
    private static final int MAX_TOKENS = 200;
    private static final BigDecimal LIMIT = new BigDecimal("10.00");
    private static final String CONFIG = """
            models:
              - id: quarry/echo
                price: { input: 1000, output: 1000 }
            """;

    private record Answer(int status, String requestId, String body) {}

    @Test
    void aBurstOfStreamsCannotOvershootAHardBudget() throws Exception {
        try (TestQuarry quarry = TestQuarry.start(CONFIG, Map.of());
             HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build()) {
            String key = quarry.newKey("burst");
            JsonNode budget = admin(quarry, http, """
                    {"name": "burst-daily", "scope": "principal:burst", "period": "day", "limit_usd": "%s"}""".formatted(LIMIT));

            List<Answer> answers = burst(quarry, http, key);

            List<Answer> admitted = answers.stream().filter(a -> a.status() == 200).toList();
            List<Answer> refused = answers.stream().filter(a -> a.status() != 200).toList();
            assertThat(admitted).as("some requests fit in the budget").isNotEmpty();
            assertThat(refused).as("the budget must refuse some of the burst").isNotEmpty();
            for (Answer a : refused) {
                assertThat(a.status()).isEqualTo(402);
                JsonNode error = JSON.readTree(a.body()).path("error");
                assertThat(error.path("code").asText()).isEqualTo("budget_exceeded");
                assertThat(error.path("message").asText()).contains("burst-daily", "limit $10.00", "spent", "reserved");
            }

            long settled = 0;
            long largestCost = 0;
            for (Answer a : admitted) {
                assertThat(a.body()).contains("[DONE]");
                UsageRecord record = quarry.ledgerRecord(a.requestId());
                assertThat(record.status()).isEqualTo("completed");
                assertThat(record.costMicros()).isPositive();
                settled += record.costMicros();
                largestCost = Math.max(largestCost, record.costMicros());
            }
            long oneReservation = reservationMicros(admitted.size(), largestCost);
            assertThat(settled).as("settled cost in micro-dollars").isLessThanOrEqualTo(LIMIT.movePointRight(6).longValueExact() + oneReservation);

            JsonNode status = get(quarry, http, "/admin/budgets/" + budget.path("id").asText() + "/status");
            assertThat(status.path("reserved_usd").decimalValue()).isZero();
            assertThat(status.path("spent_usd").decimalValue().movePointRight(6).longValueExact()).isEqualTo(settled);
        }
    }

    /** A request reserves (input estimate + MAX_TOKENS) tokens at $0.001 each; its actual cost bounds the input part. */
    private static long reservationMicros(int admitted, long largestCost) {
        return admitted == 0 ? 0 : largestCost + MAX_TOKENS * 1_000L;
    }

    private static List<Answer> burst(TestQuarry quarry, HttpClient http, String key) throws Exception {
        String body = JSON.writeValueAsString(Map.of("model", "quarry/echo", "stream", true, "max_tokens", MAX_TOKENS,
                "messages", List.of(Map.of("role", "user", "content", "spend ".repeat(60)))));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Answer>> futures = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < REQUESTS; i++) {
                futures.add(clients.submit(() -> {
                    start.await();
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/chat/completions"))
                            .header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    return new Answer(response.statusCode(), response.headers().firstValue("X-Request-Id").orElseThrow(), response.body());
                }));
            }
            start.countDown();
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> f : futures) answers.add(f.get());
            return answers;
        }
    }

    private static JsonNode admin(TestQuarry quarry, HttpClient http, String json) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/admin/budgets"))
                .header("Authorization", "Bearer " + quarry.adminKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    private static JsonNode get(TestQuarry quarry, HttpClient http, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path))
                .header("Authorization", "Bearer " + quarry.adminKey()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
