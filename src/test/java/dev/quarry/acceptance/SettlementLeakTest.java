package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.testing.ChaosUpstream;
import dev.quarry.testing.ChaosUpstream.Chaos;
import dev.quarry.testing.JsonCalls.Reply;
import dev.quarry.testing.TestQuarry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Requests that end badly in every way an upstream can make them (reset before answering, a 500,
 * cut mid-stream, too slow for the attempt timeout, throttled) give back everything they reserved:
 * the budget holds nothing in flight afterwards, and the caller's and the deployment's token
 * limits have room for a request as large as the first one's reservation.
 */
class SettlementLeakTest {

    @Test
    void failingRequestsLeaveNoBudgetReservedAndNoRateLimitCapacityHeld() {
        try (ChaosUpstream upstream = ChaosUpstream.start();
             TestQuarry quarry = TestQuarry.start("""
                     providers:
                       - { name: chaos, type: openai-compatible, base_url: "%s" }
                     routing: { max_attempts: 2, attempts_per_model: 2, initial_backoff_ms: 1, max_backoff_ms: 5,
                                attempt_timeout_seconds: 1, total_timeout_seconds: 3, cooldown: { allowed_failures: 1000 } }
                     rate_limits:
                       - { scope: principal, name: leaky, tokens_per_minute: 2500 }
                     models:
                       - id: priced
                         context_window: 100000
                         price: { input: 1, output: 1 }
                         deployments: [{ provider: chaos, model: up, tpm: 2500 }]
                     """.formatted(upstream.baseUrl()), Map.of())) {
            String budget = quarry.admin("POST", "/admin/budgets", """
                    {"name": "org", "scope": "organisation", "period": "month", "limit_usd": "50"}""").expect(201).path("id").asText();
            String key = quarry.newKey("leaky");

            List<Chaos> endings = List.of(Chaos.NONE.withResetRate(1), Chaos.NONE.withErrorRate(1), Chaos.NONE.withCutAfterChunks(2),
                    Chaos.NONE.withCutAfterChunks(0), Chaos.NONE.withLatency(Duration.ofMillis(1500)), Chaos.NONE.withThrottleRate(1));
            for (Chaos ending : endings) {
                upstream.chaos(ending);
                for (boolean stream : List.of(true, false)) {
                    Reply reply = chat(quarry, key, stream);
                    assertThat(reply.body()).as("not refused by Quarry's own limits").doesNotContain("Rate limit reached: ", "more than the rate limit");
                }
            }
            // The late answers the attempt timeout discarded arrive after their requests ended.
            upstream.chaos(Chaos.NONE);
            sleep(Duration.ofMillis(2000));

            JsonNodeStatus status = new JsonNodeStatus(quarry.admin("GET", "/admin/budgets/" + budget + "/status", null).expect(200));
            assertThat(status.reserved()).as("no budget reservation left behind").isEqualByComparingTo(BigDecimal.ZERO);
            // Each request reserves about 1,010 tokens (prompt and max_tokens) on the caller and on the deployment; what the
            // failed ones used is at most a few dozen. A reservation held by any of them would leave no room for this one.
            Reply healthy = chat(quarry, key, false);
            assertThat(healthy.status()).as("the rate limits have room again: %s", healthy.body()).isEqualTo(200);
            Reply another = chat(quarry, key, true);
            assertThat(another.status()).isEqualTo(200);
            assertThat(new JsonNodeStatus(quarry.admin("GET", "/admin/budgets/" + budget + "/status", null).expect(200)).reserved())
                    .isEqualByComparingTo(BigDecimal.ZERO);
        }
    }

    private record JsonNodeStatus(com.fasterxml.jackson.databind.JsonNode node) {
        BigDecimal reserved() {
            return new BigDecimal(node.path("reserved_usd").asText());
        }
    }

    private static Reply chat(TestQuarry quarry, String key, boolean stream) {
        return quarry.call("POST", "/v1/chat/completions", key, """
                {"model": "priced", "stream": %s, "max_tokens": 1000, "messages": [{"role": "user", "content": "hello"}]}"""
                .formatted(stream));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
