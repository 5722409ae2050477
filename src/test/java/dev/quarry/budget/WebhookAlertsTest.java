package dev.quarry.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Delivery to a receiver on loopback, which the operator opt-in ({@link WebhookTargets#ANY}) allows. */
class WebhookAlertsTest {
    private static final Period.Window TODAY = new Period.Window(Instant.parse("2026-11-23T00:00:00Z"), Instant.parse("2026-11-24T00:00:00Z"));

    @Test
    void anAlertIsPostedAsJsonToTheBudgetsWebhook() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/alerts", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/alerts");
            Budget budget = new Budget("b-1", "team-search", new Scope(Scope.Kind.GROUP, "search"), new Period(Period.Kind.DAY, null, null),
                    25_000_000, List.of(80), hook);

            new WebhookAlerts(WebhookTargets.ANY).send(new ThresholdAlert(budget, TODAY, 80, 20_500_000));

            String request = received.poll(5, TimeUnit.SECONDS);
            assertThat(request).startsWith("POST application/json ");
            JsonNode body = new ObjectMapper().readTree(request.substring("POST application/json ".length()));
            assertThat(body.path("budget_name").asText()).isEqualTo("team-search");
            assertThat(body.path("scope").asText()).isEqualTo("group:search");
            assertThat(body.path("threshold_percent").asInt()).isEqualTo(80);
            assertThat(body.path("limit_usd").decimalValue()).isEqualByComparingTo("25");
            assertThat(body.path("spent_usd").decimalValue()).isEqualByComparingTo("20.5");
            assertThat(body.path("period_end").asText()).isEqualTo("2026-11-24T00:00:00Z");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aWebhookThatNeverAnswersDoesNotHoldUpTheCaller() throws Exception {
        HttpServer silent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        silent.createContext("/", exchange -> {
            try {
                Thread.sleep(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        silent.start();
        try {
            Budget budget = new Budget("b-1", "slow", new Scope(Scope.Kind.ORGANISATION, null), new Period(Period.Kind.DAY, null, null),
                    1_000_000, List.of(50), URI.create("http://127.0.0.1:" + silent.getAddress().getPort() + "/"));
            long start = System.nanoTime();

            new WebhookAlerts(WebhookTargets.ANY).send(new ThresholdAlert(budget, TODAY, 50, 600_000));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
        } finally {
            silent.stop(0);
        }
    }
}
