package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.quarry.canonical.Tokenizer;
import dev.quarry.provider.openai.OpenAiStub;
import dev.quarry.testing.JsonCalls;
import dev.quarry.testing.TestQuarry;
import dev.quarry.tokenizer.Tokenizers;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A GPT-family model's prompt is counted by its real encoding (with OpenAI's chat framing), a
 * Claude model's by the four-characters estimate: in count_tokens, and in what a token rate limit
 * reserves. The rate limit (on the principal {@code counted} only) is too small for any request,
 * so its refusal names what was counted and nothing reaches the (unreachable) deployments.
 */
class TokenCountAcceptanceTest {
    /** o200k_base: 6 tokens ("t", "ik", "token", " is", " great", "!"), as OpenAI's cookbook shows. */
    private static final String SYSTEM = "tiktoken is great!";
    /** o200k_base: 2 tokens, as tiktoken's README shows. */
    private static final String USER = "hello world";
    private static final int MAX_TOKENS = 10;
    /** 2,000 sentences of 10 o200k_base tokens each ("The", " quick", … " dog", "."). */
    private static final String LONG = "The quick brown fox jumps over the lazy dog. ".repeat(2_000).strip();
    private static final long LONG_TOKENS = 20_000;

    static OpenAiStub gpt;
    static TestQuarry quarry;
    static AnthropicClient anthropic;
    static String key;

    @BeforeAll
    static void start() {
        gpt = OpenAiStub.start();
        quarry = TestQuarry.start("""
                providers:
                  - { name: stub-openai, type: openai-compatible, base_url: "%s" }
                  - { name: nowhere-openai, type: openai-compatible, base_url: "http://127.0.0.1:9/v1" }
                  - { name: nowhere-anthropic, type: anthropic, base_url: "http://127.0.0.1:9", api_key_env: ANTHROPIC_KEY }
                rate_limits:
                  - { scope: principal, name: counted, tokens_per_minute: 5 }
                models:
                  - { id: gpt-5.5, deployments: [{ provider: nowhere-openai, model: gpt-upstream }] }
                  - { id: acme-gpt-finetune, family: gpt, deployments: [{ provider: nowhere-openai, model: ft-upstream }] }
                  - { id: acme-unlabelled, deployments: [{ provider: nowhere-openai, model: ft-upstream }] }
                  - { id: claude-sonnet-4-5, deployments: [{ provider: nowhere-anthropic, model: claude-upstream }] }
                  - { id: gpt-5.4, deployments: [{ provider: stub-openai, model: gpt-upstream }] }
                """.formatted(gpt.baseUrl()), Map.of("ANTHROPIC_KEY", "sk-ant"));
        key = quarry.newKey("counted");
        anthropic = AnthropicOkHttpClient.builder().baseUrl(quarry.baseUrl()).apiKey(quarry.newKey("token-counter")).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        anthropic.close();
        quarry.close();
        gpt.close();
    }

    private static long countTokens(String model, String system, String user) {
        return anthropic.messages().countTokens(MessageCountTokensParams.builder().model(model).system(system).addUserMessage(user).build())
                .inputTokens();
    }

    private static long estimated(String system, String user) {
        Tokenizer estimate = Tokenizer.ESTIMATE;
        return estimate.perMessage() + estimate.count(system) + estimate.perMessage() + estimate.count(user);
    }

    @Test
    void countTokensUsesTheGptEncodingAndTheEstimateForClaude() {
        // <|start|>system<|message|> 6 <|end|>, <|start|>user<|message|> 2 <|end|>, <|start|>assistant<|message|>
        assertThat(countTokens("gpt-5.5", SYSTEM, USER)).isEqualTo(3 + 6 + 3 + 2 + 3);
        // A model the configuration adds is counted exactly when it names its family, by the estimate when not.
        assertThat(countTokens("acme-gpt-finetune", SYSTEM, USER)).isEqualTo(3 + 6 + 3 + 2 + 3);
        assertThat(countTokens("acme-unlabelled", SYSTEM, USER)).isEqualTo(estimated(SYSTEM, USER));
        assertThat(countTokens("claude-sonnet-4-5", SYSTEM, USER)).isEqualTo(estimated(SYSTEM, USER));

        // 90,000 characters: the first 32 Ki encoded, the rest by the estimate (never scaled below it), so at least the
        // encoding's count and less than the estimate of the whole.
        assertThat(countTokens("gpt-5.5", SYSTEM, LONG)).isBetween(3 + 6 + 3 + LONG_TOKENS + 3, estimated(SYSTEM, LONG) - 1);
        assertThat(countTokens("claude-sonnet-4-5", SYSTEM, LONG)).isEqualTo(estimated(SYSTEM, LONG))
                .as("the estimate is not the encoding's count").isGreaterThan(3 + 6 + 3 + LONG_TOKENS * 101 / 100 + 3);
        assertThat(quarry.ledgerFor("token-counter", 10)).as("counting is not a model call").isEmpty();
    }

    @Test
    void aPromptCheapInItsFirst32KiCharactersIsNotDiscountedBeyondThem() {
        // A run of '=' is a token per 64 characters to o200k_base and a token a character to the estimate; the prose after it
        // must not be counted at a 64th of its estimate.
        String user = "=".repeat(32 * 1024) + " " + LONG;
        long exact = 3 + 6 + 3 + Tokenizers.forModel("gpt", "gpt-5.5").count(user) + 3;
        assertThat(countTokens("gpt-5.5", SYSTEM, user)).isGreaterThanOrEqualTo(exact);
        assertThat(refusal("gpt-5.5", user)).contains("This request needs " + (countTokens("gpt-5.5", SYSTEM, user) + MAX_TOKENS) + " tokens");
    }

    @Test
    void aTokenRateLimitReservesTheSameCount() {
        assertThat(refusal("gpt-5.5", USER)).contains("This request needs " + (17 + MAX_TOKENS) + " tokens");
        assertThat(refusal("claude-sonnet-4-5", USER)).contains("This request needs " + (estimated(SYSTEM, USER) + MAX_TOKENS) + " tokens");
        assertThat(refusal("gpt-5.5", LONG)).contains("This request needs " + (countTokens("gpt-5.5", SYSTEM, LONG) + MAX_TOKENS) + " tokens");
    }

    @Test
    void aStreamedAnswersMessageStartReportsTheSameCount() {
        gpt.then(OpenAiStub.answer(OpenAiStub.text("Hi.")));
        var params = MessageCreateParams.builder().model("gpt-5.4").maxTokens(MAX_TOKENS).system(SYSTEM).addUserMessage(LONG).build();
        AnthropicClient streamer = AnthropicOkHttpClient.builder().baseUrl(quarry.baseUrl()).apiKey(quarry.newKey("streamer")).maxRetries(0).build();
        try (StreamResponse<RawMessageStreamEvent> stream = streamer.messages().createStreaming(params)) {
            RawMessageStreamEvent first = stream.stream().findFirst().orElseThrow();
            assertThat(first.asMessageStart().message().usage().inputTokens()).isEqualTo(countTokens("gpt-5.4", SYSTEM, LONG))
                    .isNotEqualTo(estimated(SYSTEM, LONG));
        } finally {
            streamer.close();
        }
    }

    @Test
    void theLongPromptIsTenTokensASentence() {
        assertThat(Tokenizers.forModel("gpt", "gpt-5.5").count(LONG)).isEqualTo(LONG_TOKENS);
    }

    /** Chat Completions, so the count is of the same prompt through another surface; a 429 from the limit. */
    private static String refusal(String model, String user) {
        String body = """
                {"model": "%s", "max_tokens": %d, "messages": [{"role": "system", "content": "%s"}, {"role": "user", "content": "%s"}]}
                """.formatted(model, MAX_TOKENS, SYSTEM, user);
        JsonCalls.Reply reply = quarry.call("POST", "/v1/chat/completions", key, body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(429);
        return reply.json().at("/error/message").asText();
    }
}
