package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Rate limits as clients meet them: two Quarry nodes sharing one limit through the real Redis on
 * 127.0.0.1:6379 admit exactly the limit between them, one node without Redis counts on its
 * own, and a refusal is a 429 with Retry-After in each surface's shape. Each test limits a
 * principal of its own, so counters left by other runs never interfere.
 */
class SharedRateLimitTest {
    static final HttpClient http = HttpClient.newHttpClient();
    static final String REDIS = "redis://127.0.0.1:6379";

    private final String principal = "rl-" + UUID.randomUUID();

    @AfterEach
    void removeThisTestsCounters() {
        try (RedisClient redis = RedisClient.create(URI.create(REDIS))) {
            var ours = redis.keys("quarry:ratelimit:principal:" + principal + ":*");
            if (!ours.isEmpty()) redis.del(ours.toArray(String[]::new));
        }
    }

    private String config(int requestsPerMinute, boolean shared) {
        return "rate_limits: [{ scope: principal, name: \"" + principal + "\", requests_per_minute: " + requestsPerMinute + " }]\n"
                + (shared ? "redis: { url: \"" + REDIS + "\" }\n" : "");
    }

    @Test
    void twoNodesSharingRedisAdmitExactlyTheLimitBetweenThem() throws Exception {
        int limit = 7;
        try (TestQuarry one = TestQuarry.start(config(limit, true), Map.of());
             TestQuarry two = TestQuarry.start(config(limit, true), Map.of());
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            String keyOne = one.newKey(principal);
            String keyTwo = two.newKey(principal);
            List<Future<HttpResponse<String>>> replies = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                boolean first = i % 2 == 0;
                replies.add(threads.submit((Callable<HttpResponse<String>>) () ->
                        openAiChat(first ? one : two, first ? keyOne : keyTwo)));
            }
            int admitted = 0;
            for (Future<HttpResponse<String>> reply : replies) {
                HttpResponse<String> r = reply.get(60, TimeUnit.SECONDS);
                if (r.statusCode() == 200) {
                    admitted++;
                } else {
                    assertThat(r.statusCode()).isEqualTo(429);
                    assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 120L);
                    assertThat(r.body()).contains("rate_limit_exceeded")
                            .contains("requests_per_minute 7 for principal '" + principal + "'");
                }
            }
            assertThat(admitted).isEqualTo(limit);

            var sdk = OpenAIOkHttpClient.builder().baseUrl(two.baseUrl() + "/v1").apiKey(keyTwo).maxRetries(0).build();
            assertThatThrownBy(() -> sdk.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("quarry/echo").addUserMessage("one more?").build()))
                    .isInstanceOfSatisfying(RateLimitException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(429);
                        assertThat(e.headers().values("Retry-After")).isNotEmpty();
                    });
        }
    }

    @Test
    void oneNodeWithoutRedisCountsInMemory() throws Exception {
        try (TestQuarry quarry = TestQuarry.start(config(2, false), Map.of())) {
            String key = quarry.newKey(principal);
            assertThat(openAiChat(quarry, key).statusCode()).isEqualTo(200);
            assertThat(openAiChat(quarry, key).statusCode()).isEqualTo(200);
            HttpResponse<String> refused = openAiChat(quarry, key);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(openAiChat(quarry, quarry.newKey("someone-else")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aGroupLimitIsSharedByTheGroupsMembers() throws Exception {
        try (TestQuarry quarry = TestQuarry.start("rate_limits: [{ scope: group, name: crew, requests_per_minute: 2 }]\n", Map.of())) {
            String first = quarry.newKey(principal + "-a");
            String second = quarry.newKey(principal + "-b");
            quarry.quarry().identities().groups().create("crew");
            quarry.quarry().identities().groups().add("crew", principal + "-a");
            quarry.quarry().identities().groups().add("crew", principal + "-b");
            Thread.sleep(1100); // memberships reach the running server within a second
            assertThat(openAiChat(quarry, first).statusCode()).isEqualTo(200);
            assertThat(openAiChat(quarry, second).statusCode()).isEqualTo(200);
            HttpResponse<String> refused = openAiChat(quarry, first);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.body()).contains("group 'crew'");
            assertThat(openAiChat(quarry, quarry.newKey(principal + "-outsider")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anthropicAndBedrockClientsGetA429InTheirOwnShape() throws Exception {
        try (TestQuarry quarry = TestQuarry.start(config(1, false), Map.of())) {
            String key = quarry.newKey(principal);
            assertThat(openAiChat(quarry, key).statusCode()).isEqualTo(200);

            HttpResponse<String> anthropic = send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/messages"))
                    .header("x-api-key", key).header("anthropic-version", "2023-06-01").header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"model":"quarry/echo","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""")));
            assertThat(anthropic.statusCode()).isEqualTo(429);
            assertThat(anthropic.headers().firstValue("Retry-After")).isPresent();
            assertThat(anthropic.body()).contains("\"type\":\"error\"").contains("rate_limit_error").contains("requests_per_minute 1");

            HttpResponse<String> bedrock = send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/model/quarry%2Fecho/converse"))
                    .header("authorization", "Bearer " + key).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"messages":[{"role":"user","content":[{"text":"hi"}]}]}""")));
            assertThat(bedrock.statusCode()).isEqualTo(429);
            assertThat(bedrock.headers().firstValue("X-Amzn-Errortype")).hasValue("ThrottlingException");
            assertThat(bedrock.headers().firstValue("Retry-After")).isPresent();
            assertThat(bedrock.body()).contains("requests_per_minute 1");
        }
    }

    private static HttpResponse<String> openAiChat(TestQuarry quarry, String key) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"quarry/echo","messages":[{"role":"user","content":"hi"}]}""")));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
