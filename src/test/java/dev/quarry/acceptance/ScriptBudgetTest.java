package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.metering.UsageRecord;
import dev.quarry.provider.StubServer;
import dev.quarry.testing.JsonCalls;
import dev.quarry.testing.TestQuarry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 7: a budget's reservations must hold whatever script the prompt is written in.
 * Chinese runs at about a token a character in real tokenizers; an estimate of four characters a
 * token reserved a quarter of what each request then cost, and 20 concurrent requests against a
 * $0.10 hard budget spent $0.38.
 */
class ScriptBudgetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUESTS = 20;
    private static final String CHINESE = "我们今天在公园里散步，天气很好，孩子们在草地上玩耍。".repeat(730); // 18,980 characters
    private static final long LIMIT_MICROS = 100_000;
    /** Output is capped at 10 tokens; the stub answers with 5. */
    private static final int MAX_TOKENS = 10;

    @Test
    void concurrentChinesePromptsStayInsideAHardBudget() throws Exception {
        try (StubServer<Void> upstream = StubServer.start(ScriptBudgetTest::answerLikeARealTokenizer);
             TestQuarry quarry = TestQuarry.start("""
                     providers:
                       - { name: up, type: openai-compatible, base_url: "%s/v1" }
                     models:
                       - { id: zh-model, deployments: [{ provider: up, model: up }], price: { input: 1, output: 1 } }
                     """.formatted(upstream.baseUrl()), Map.of())) {
            String key = quarry.newKey("writer");
            quarry.admin("POST", "/admin/budgets", """
                    {"name": "zh-daily", "scope": "principal:writer", "period": "day", "limit_usd": "0.10"}""").expect(201);
            String body = JSON.writeValueAsString(Map.of("model", "zh-model", "max_tokens", MAX_TOKENS,
                    "messages", List.of(Map.of("role", "system", "content", CHINESE), Map.of("role", "user", "content", "总结一下"))));

            List<JsonCalls.Reply> replies = burst(quarry, key, body);

            List<UsageRecord> rows = quarry.ledgerFor("writer", 100);
            long spent = rows.stream().filter(r -> r.costMicros() != null).mapToLong(UsageRecord::costMicros).sum();
            long oneRequest = rows.stream().filter(r -> r.costMicros() != null).mapToLong(UsageRecord::costMicros).max().orElse(0);
            assertThat(oneRequest).as("the stub bills about a token a character").isGreaterThan(18_000);
            assertThat(replies).as("some requests fit").anyMatch(r -> r.status() == 200);
            assertThat(replies).as("the rest are refused by the budget").anyMatch(r -> r.status() == 402);
            assertThat(spent).as("micro-dollars spent against a $0.10 budget").isLessThanOrEqualTo(LIMIT_MICROS);
        }
    }

    private static List<JsonCalls.Reply> burst(TestQuarry quarry, String key, String body) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<JsonCalls.Reply>> futures = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < REQUESTS; i++) {
                futures.add(clients.submit(() -> {
                    start.await();
                    return quarry.call("POST", "/v1/chat/completions", key, body);
                }));
            }
            start.countDown();
            List<JsonCalls.Reply> replies = new ArrayList<>();
            for (Future<JsonCalls.Reply> f : futures) replies.add(f.get());
            return replies;
        }
    }

    private static byte[] frame(String data) {
        return ("data: " + data + "\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Streams a Chat Completions answer after a pause (so the burst overlaps), counting the prompt as a
     * byte-level BPE tokenizer would for this text: a token per Han character or punctuation mark.
     */
    private static void answerLikeARealTokenizer(StubServer.Request request, Void script, StubServer.Response response)
            throws java.io.IOException {
        JsonNode call = JSON.readTree(request.body());
        long promptTokens = 0;
        for (JsonNode message : call.path("messages")) {
            String text = message.path("content").asText();
            promptTokens += 4 + text.codePoints().filter(c -> c >= 0x80).count() + text.codePoints().filter(c -> c < 0x80).count() / 4;
        }
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String chunk = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\",\"choices\":";
        response.stream("text/event-stream", List.of(
                frame(chunk + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"好的。\"},\"finish_reason\":null}]}"),
                frame(chunk + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"),
                frame(chunk + "[],\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":5,\"total_tokens\":"
                        + (promptTokens + 5) + "}}"),
                frame("[DONE]")), -1);
    }
}
