package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.quarry.metering.UsageRecord;
import dev.quarry.testing.ChaosUpstream;
import dev.quarry.testing.TestQuarry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An A/B experiment on live traffic: a model id split between the echo model and a stub upstream,
 * sticky per principal; every answer names its variant, the ledger records it, callers rate their
 * answers, and the report compares the variants.
 */
class ExperimentAcceptanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ChaosUpstream upstream;
    private static TestQuarry quarry;

    @BeforeAll
    static void start() {
        upstream = ChaosUpstream.start();
        quarry = TestQuarry.start("""
                providers:
                  - { name: stub, type: openai-compatible, base_url: "%s" }
                models:
                  - { id: stub-model, deployments: [{ provider: stub, model: up }] }
                experiments:
                  - id: echo-vs-stub
                    model: assistant
                    sticky: principal
                    variants: [{ name: echo, model: quarry/echo, weight: 1 }, { name: stub, model: stub-model, weight: 1 }]
                """.formatted(upstream.baseUrl()), Map.of());
    }

    @AfterAll
    static void stop() {
        quarry.close();
        upstream.close();
    }

    @Test
    void eachCallerStaysOnOneVariantAndTheReportComparesThem() throws Exception {
        Map<String, String> variantOf = new HashMap<>();
        Map<String, String> keys = new HashMap<>();
        Set<String> lastRequests = new HashSet<>();
        for (int p = 0; p < 24; p++) {
            String name = "tester-" + p;
            keys.put(name, quarry.newKey(name));
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> reply = chat(keys.get(name));
                assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
                assertThat(reply.headers().firstValue("X-Quarry-Experiment")).hasValue("echo-vs-stub");
                String variant = reply.headers().firstValue("X-Quarry-Variant").orElseThrow();
                assertThat(variantOf.putIfAbsent(name, variant)).as("sticky per principal").isIn(null, variant);
                assertThat(JSON.readTree(reply.body()).path("model").asText()).as("the client sees the id it asked for").isEqualTo("assistant");
                if (i == 1) lastRequests.add(name + " " + reply.headers().firstValue("X-Request-Id").orElseThrow());
            }
        }
        assertThat(new HashSet<>(variantOf.values())).containsExactlyInAnyOrder("echo", "stub");

        // The official SDK reaches the experiment the same way.
        var sdk = OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/v1").apiKey(keys.get("tester-0")).maxRetries(0).build();
        assertThat(sdk.chat().completions().create(ChatCompletionCreateParams.builder().model("assistant").addUserMessage("hi").build())
                .choices()).hasSize(1);

        for (String nameAndId : lastRequests) {
            String name = nameAndId.split(" ")[0];
            String requestId = nameAndId.split(" ")[1];
            UsageRecord row = quarry.ledgerRecord(requestId);
            assertThat(row.routing().experiment()).isEqualTo("echo-vs-stub");
            assertThat(row.routing().variant()).isEqualTo(variantOf.get(name));
            assertThat(row.model()).isEqualTo(variantOf.get(name).equals("echo") ? "quarry/echo" : "stub-model");
            double score = variantOf.get(name).equals("echo") ? 1.0 : 0.0;
            HttpResponse<String> rated = post("/v1/feedback", keys.get(name),
                    "{\"request_id\": \"" + requestId + "\", \"score\": " + score + "}");
            assertThat(rated.statusCode()).as(rated.body()).isEqualTo(200);
            assertThat(JSON.readTree(rated.body()).path("variant").asText()).isEqualTo(variantOf.get(name));
            assertThat(post("/v1/feedback", keys.get(name.equals("tester-0") ? "tester-1" : "tester-0"),
                    "{\"request_id\": \"" + requestId + "\", \"score\": 1}").statusCode()).as("only the caller rates its answer").isEqualTo(404);
        }

        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        HttpResponse<String> report = get("/admin/experiments/report?experiment=echo-vs-stub&from=" + today + "&to=" + today.plusDays(1));
        assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
        List<JsonNode> rows = new ArrayList<>();
        JSON.readTree(report.body()).path("rows").forEach(rows::add);
        long echoCallers = variantOf.values().stream().filter("echo"::equals).count();
        assertThat(rows).extracting(r -> r.path("variant").asText()).containsExactly("echo", "stub");
        JsonNode echo = rows.get(0);
        JsonNode stub = rows.get(1);
        assertThat(echo.path("requests").asLong()).isEqualTo(2 * echoCallers + (variantOf.get("tester-0").equals("echo") ? 1 : 0));
        assertThat(echo.path("requests").asLong() + stub.path("requests").asLong()).isEqualTo(2 * 24 + 1);
        assertThat(echo.path("error_rate").asDouble()).isZero();
        assertThat(echo.path("feedback").asLong()).isEqualTo(echoCallers);
        assertThat(echo.path("mean_score").asDouble()).isEqualTo(1.0);
        assertThat(stub.path("mean_score").asDouble()).isEqualTo(0.0);
    }

    private static HttpResponse<String> chat(String key) throws IOException, InterruptedException {
        return post("/v1/chat/completions", key, "{\"model\": \"assistant\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
    }

    private static HttpResponse<String> post(String path, String key, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path)).header("Authorization", "Bearer " + quarry.adminKey())
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
