package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.metering.UsageRecord;
import dev.quarry.pricing.Money;
import dev.quarry.testing.QuarryCli;
import dev.quarry.testing.TestQuarry;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cost governance end to end: a priced model's requests (plain and streamed) are recorded with
 * their cost, a price loaded through the admin API reprices later requests, and the reports agree
 * with the ledger through the admin API and the CLI.
 */
class CostAcceptanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TODAY = LocalDate.now(ZoneOffset.UTC).toString();
    private static final String TOMORROW = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
    private static TestQuarry quarry;

    @BeforeAll
    static void start() {
        quarry = pricedEcho();
    }

    private static TestQuarry pricedEcho() {
        return TestQuarry.start("""
                models:
                  - id: quarry/echo
                    price: { input: 2, output: 8, cache_read: 0.2 }
                """, Map.of());
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    @Test
    void plainAndStreamedRequestsAreRecordedWithTheirCostAtTheConfiguredPrice() {
        String key = quarry.newKey("costed");
        String plain = chat(key, false);
        String streamed = chat(key, true);
        for (String requestId : new String[] {plain, streamed}) {
            UsageRecord r = quarry.ledgerRecord(requestId);
            assertThat(r.platform()).isEqualTo("local");
            assertThat(r.usage().totalTokens()).isPositive();
            BigDecimal expected = BigDecimal.valueOf(r.usage().inputTokens() * 2 + r.usage().outputTokens() * 8)
                    .divide(BigDecimal.valueOf(1_000_000));
            assertThat(r.costMicros()).isEqualTo(Money.toMicros(expected));
        }
    }

    @Test
    void aLoadedPriceRepricesLaterRequestsAndBadPricesAreRefused() throws Exception {
        // Its own server: the price it loads must not reprice the other tests' requests.
        try (TestQuarry quarry = pricedEcho()) {
            String entry = """
                    {"model": "quarry/echo", "platform": "local", "effective_from": "%s", "input": 1000, "output": 1000}""".formatted(TODAY);
            Path file = Files.writeString(quarry.dataDir().resolve("prices.json"), "[" + entry + "]");
            assertThat(cli(QuarryCli.against(quarry, "prices", "load", file.toString()))).isEqualTo("1 price entries read, 1 new\n");

            // In force when the command returns: it went through the admin API, which reloads the sheet.
            UsageRecord r = quarry.ledgerRecord(chat(quarry, quarry.newKey("repriced"), false));
            assertThat(r.costMicros()).isEqualTo((r.usage().inputTokens() + r.usage().outputTokens()) * 1000);

            assertThat(admin(quarry, "PUT", "/admin/prices", "{\"prices\": [" + entry + "]}", 200).path("added").asInt())
                    .as("the same entry again").isZero();
            assertThat(admin(quarry, "PUT", "/admin/prices", "{\"prices\": [" + entry.replace("1000,", "999,") + "]}", 400)
                    .path("error").path("message").asText()).contains("quarry/echo on local already has a different price from " + TODAY);
            assertThat(admin(quarry, "PUT", "/admin/prices", """
                    {"prices": [{"model": "quarry/echo", "platform": "local", "effective_from": "%s", "input": -1, "output": 8}]}"""
                    .formatted(TOMORROW), 400).path("error").path("message").asText())
                    .contains("[0]: input price must not be negative, got -1");
            assertThat(admin(quarry, "PUT", "/admin/prices", """
                    {"prices": [{"model": "quarry/echo", "platform": "local", "effective_from": "%s", "currency": "EUR", "input": 1, "output": 8}]}"""
                    .formatted(TOMORROW), 400).path("error").path("message").asText()).contains("unknown currency 'EUR'");

            JsonNode sheet = admin(quarry, "GET", "/admin/prices", null, 200).path("prices");
            assertThat(sheet).hasSize(2);
            assertThat(sheet.get(0).path("effective_from").asText()).as("the configured price").isEqualTo("1970-01-01");
            assertThat(sheet.get(1).path("input").decimalValue()).isEqualByComparingTo("1000");
        }
    }

    @Test
    void reportsAgreeWithTheLedgerThroughTheAdminApiAndTheCli() throws Exception {
        String key = quarry.newKey("reported");
        UsageRecord r = quarry.ledgerRecord(chat(key, false));
        BigDecimal cost = Money.fromMicros(r.costMicros());

        JsonNode report = admin("GET", "/admin/usage/report?by=principal&from=" + TODAY + "&to=" + TOMORROW, null, 200);
        JsonNode row = null;
        for (JsonNode candidate : report.path("rows")) if (candidate.path("key").asText().equals("reported")) row = candidate;
        assertThat(row).isNotNull();
        assertThat(row.path("requests").asLong()).isEqualTo(1);
        assertThat(row.path("cost_usd").decimalValue()).isEqualByComparingTo(cost);
        assertThat(admin("GET", "/admin/usage/report?by=team&from=" + TODAY + "&to=" + TOMORROW, null, 400)
                .path("error").path("message").asText()).contains("cannot group by 'team'");
        assertThat(admin("GET", "/admin/usage/report?by=model&from=" + TOMORROW + "&to=" + TODAY, null, 400)
                .path("error").path("message").asText()).contains("must be after 'from'");
        // A caller without the admin action is refused.
        call(quarry, "GET", "/admin/usage/report?by=model&from=" + TODAY + "&to=" + TOMORROW, key, null, 403);

        String csv = cli(QuarryCli.against(quarry, "usage", "report", "--by", "principal", "--from", TODAY, "--to", TOMORROW, "--format", "csv"));
        assertThat(csv).startsWith("principal,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests\n")
                .contains("\nreported,1," + r.usage().inputTokens() + "," + r.usage().outputTokens() + ",0,0," + cost.toPlainString() + ",0\n");
        assertThat(cli(QuarryCli.against(quarry, "usage", "report", "--by", "model", "--from", TODAY, "--to", TOMORROW)))
                .containsPattern("MODEL\\s+REQUESTS").containsPattern("quarry/echo\\s+\\d+");
        JsonNode json = JSON.readTree(cli(QuarryCli.against(quarry, "usage", "report", "--by", "day", "--from", TODAY, "--to", TOMORROW,
                "--output", "json")));
        assertThat(json.path("rows").get(0).path("key").asText()).isEqualTo(TODAY);
    }

    @Test
    void commitmentsAreDrawnDownByEligibleUsage() {
        quarry.ledgerRecord(chat(quarry.newKey("committed"), false));
        JsonNode created = admin("POST", "/admin/commitments", """
                {"name": "echo-commit", "amount_usd": 1000000, "start": "%s", "end": "%s", "discount_rate": 0.25,
                 "models": ["quarry/echo"], "platforms": ["local"]}""".formatted(TODAY, TOMORROW), 201);
        assertThat(created.path("id").asText()).startsWith("cmt_");
        assertThat(admin("POST", "/admin/commitments", """
                {"name": "bad", "amount_usd": 10, "start": "%s", "end": "%s", "discount_rate": 0.1, "platforms": ["gcp"]}"""
                .formatted(TODAY, TOMORROW), 400).path("error").path("message").asText()).contains("unknown platform 'gcp'");

        JsonNode c = admin("GET", "/admin/commitments", null, 200).path("commitments").get(0);
        BigDecimal list = c.path("list_cost_usd").decimalValue();
        assertThat(list).isPositive();
        assertThat(c.path("drawn_usd").decimalValue()).isEqualByComparingTo(list.multiply(new BigDecimal("0.75")));
        assertThat(c.path("effective_discount").decimalValue()).isEqualByComparingTo("0.25");
        assertThat(cli(QuarryCli.against(quarry, "commitments", "report"))).containsPattern("echo-commit\\s+1000000(\\.0+)?\\s+");
    }

    @Test
    void whatIfRepricesRecordedUsageAsAnotherModelOnAnotherPlatform() throws Exception {
        quarry.ledgerRecord(chat(quarry.newKey("whatif"), false));
        admin("PUT", "/admin/prices", """
                {"prices": [{"model": "gpt-5.5", "platform": "azure", "effective_from": "2026-01-01", "input": 1000, "output": 1000}]}""", 200);
        JsonNode total = admin("GET", "/admin/usage/report?by=model&from=" + TODAY + "&to=" + TOMORROW, null, 200).path("rows").get(0);
        long tokens = total.path("input_tokens").asLong() + total.path("output_tokens").asLong();
        BigDecimal recorded = total.path("cost_usd").decimalValue();
        // quarry/echo's family has no tokenizer ratio of its own, so its tokens count as GPT's: ×1.
        BigDecimal asGpt = BigDecimal.valueOf(tokens * 1000L, 6);

        JsonNode w = JSON.readTree(cli(QuarryCli.against(quarry, "cost", "whatif", "--from", TODAY, "--to", TOMORROW, "--model", "gpt-5.5",
                "--platform", "azure", "--output", "json")));
        assertThat(w.path("recorded_cost_usd").decimalValue()).isEqualByComparingTo(recorded);
        assertThat(w.path("whatif_cost_usd").decimalValue()).isEqualByComparingTo(asGpt);
        assertThat(w.path("difference_usd").decimalValue()).isEqualByComparingTo(asGpt.subtract(recorded));
        assertThat(cli(QuarryCli.against(quarry, "cost", "whatif", "--from", TODAY, "--to", TOMORROW, "--model", "gpt-5.5", "--platform", "azure")))
                .containsPattern("gpt-5.5\\s+azure\\s+false\\s+" + asGpt.toPlainString());
        assertThat(admin("GET", "/admin/cost/whatif?from=" + TODAY + "&to=" + TOMORROW + "&model=gpt-5.5&platform=gcp", null, 400)
                .path("error").path("message").asText()).contains("unknown platform 'gcp'");
        assertThat(admin("GET", "/admin/cost/whatif?from=" + TOMORROW + "&to=" + TODAY + "&model=gpt-5.5", null, 400)
                .path("error").path("message").asText()).contains("must be after 'from'");
    }

    /** One chat call through the OpenAI surface; its request id (the ledger key). */
    private static String chat(String key, boolean stream) {
        return chat(quarry, key, stream);
    }

    private static String chat(TestQuarry quarry, String key, boolean stream) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model": "quarry/echo", "stream": %s, "messages": [{"role": "user", "content": "price this answer"}]}"""
                        .formatted(stream))).build();
        HttpResponse<String> response = send(request);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("x-request-id").orElseThrow();
    }

    private static JsonNode admin(String method, String path, String body, int status) {
        return admin(quarry, method, path, body, status);
    }

    private static JsonNode admin(TestQuarry quarry, String method, String path, String body, int status) {
        return call(quarry, method, path, quarry.adminKey(), body, status);
    }

    private static JsonNode call(TestQuarry quarry, String method, String path, String key, String body, int status) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path)).header("Authorization", "Bearer " + key);
        if (body != null) request.header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = send(request.build());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(status);
        try {
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String cli(String... args) {
        return QuarryCli.succeed(args);
    }
}
