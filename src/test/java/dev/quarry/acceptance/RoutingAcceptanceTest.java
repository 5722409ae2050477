package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.metering.UsageRecord;
import dev.quarry.testing.ChaosUpstream;
import dev.quarry.testing.ChaosUpstream.Chaos;
import dev.quarry.testing.TestQuarry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Routing and resilience end to end: chaos upstreams that fail, throttle, reset and cut streams
 * behind a running Quarry, driven by the OpenAI SDK and raw HTTP (to read the routing headers).
 * Clients see no error while a healthy deployment remains, one clear error when none does, the
 * ledger holds one row per request, and residency holds through every fallback.
 */
class RoutingAcceptanceTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String EU_ONLY = """
            {"Statement": [{"Sid": "EuOnly", "Effect": "Deny", "Action": "quarry:Invoke*", "Resource": "*",
              "Condition": {"StringNotLike": {"quarry:DeploymentRegion": "eu-*"}}}]}""";

    private static final Map<String, ChaosUpstream> STUBS = new HashMap<>();
    private static TestQuarry quarry;

    @BeforeAll
    static void start() {
        for (String name : List.of("flaky", "solid", "steady", "dead1", "dead2", "cut", "early", "throttled", "us", "eu", "us2", "eu2", "tiny",
                "slow", "fast", "hung")) {
            STUBS.put(name, ChaosUpstream.start());
        }
        STUBS.get("flaky").chaos(Chaos.NONE.withErrorRate(0.5).withSeed(42));
        STUBS.get("dead1").chaos(Chaos.NONE.withErrorRate(1));
        STUBS.get("dead2").chaos(Chaos.NONE.withResetRate(1));
        STUBS.get("cut").chaos(Chaos.NONE.withCutAfterChunks(3));
        STUBS.get("early").chaos(Chaos.NONE.withCutAfterChunks(0));
        STUBS.get("throttled").chaos(Chaos.NONE.withThrottleRate(1).withRetryAfterSeconds(30));
        STUBS.get("eu").chaos(Chaos.NONE.withErrorRate(1));
        STUBS.get("slow").chaos(Chaos.NONE.withLatency(Duration.ofMillis(60)));
        STUBS.get("hung").chaos(Chaos.NONE.withLatency(Duration.ofSeconds(20)));
        StringBuilder providers = new StringBuilder();
        STUBS.forEach((name, stub) -> providers.append("  - { name: ").append(name).append(", type: openai-compatible, base_url: \"")
                .append(stub.baseUrl()).append("\" }\n"));
        quarry = TestQuarry.start("""
                providers:
                %s
                routing:
                  max_attempts: 4
                  attempts_per_model: 2
                  initial_backoff_ms: 1
                  max_backoff_ms: 20
                  attempt_timeout_seconds: 1
                  cooldown: { allowed_failures: 1000 }
                models:
                  - id: balanced
                    deployments: [{ provider: flaky, model: up }, { provider: solid, model: up }]
                    routing: { strategy: weighted }
                  - id: doomed
                    deployments: [{ provider: dead1, model: up }, { provider: dead2, model: up }]
                    routing: { fallbacks: [doomed-too] }
                  - id: doomed-too
                    deployments: [{ provider: dead1, model: other }, { provider: dead2, model: other }]
                  - id: cutting
                    deployments: [{ provider: cut, model: up }, { provider: steady, model: up, priority: 1 }]
                  - id: cut-early
                    deployments: [{ provider: early, model: up }, { provider: steady, model: up, priority: 1 }]
                  - id: busy
                    deployments: [{ provider: throttled, model: up }, { provider: steady, model: up, priority: 1 }]
                  - id: resident
                    deployments: [{ provider: us, model: up, region: us-east-1 }, { provider: eu, model: up, region: eu-west-1, priority: 1 }]
                    routing: { fallbacks: [resident-fallback] }
                  - id: resident-fallback
                    deployments: [{ provider: us2, model: up, region: us-west-2 }, { provider: eu2, model: up, region: eu-central-1, priority: 1 }]
                  - id: us-only
                    deployments: [{ provider: us, model: up, region: us-east-1 }]
                  - id: tiny
                    context_window: 50
                    deployments: [{ provider: tiny, model: up }]
                    routing: { context_window_fallbacks: [roomy] }
                  - id: roomy
                    context_window: 100000
                    deployments: [{ provider: steady, model: roomy }]
                  - id: patient
                    deployments: [{ provider: hung, model: up }, { provider: steady, model: up, priority: 1 }]
                  - id: quick
                    deployments: [{ provider: slow, model: up }, { provider: fast, model: up }]
                    routing: { strategy: least-latency }
                """.formatted(providers), Map.of());
        admin("PUT", "/admin/policies/EuResidency", EU_ONLY);
    }

    @AfterAll
    static void stop() {
        quarry.close();
        STUBS.values().forEach(ChaosUpstream::close);
    }

    @Test
    void withOneOfTwoDeploymentsFailingHalfItsRequestsClientsSeeNoErrorAndNothingIsBilledTwice() throws Exception {
        String key = quarry.newKey("balancer");
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/v1").apiKey(key).maxRetries(0).build();
        int requests = 120;
        List<String> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                boolean stream = i % 2 == 0;
                futures.add(pool.submit(() -> stream ? streamedText(client, "balanced") : client.chat().completions()
                        .create(ChatCompletionCreateParams.builder().model("balanced").addUserMessage("hi").build())
                        .choices().getFirst().message().content().orElseThrow()));
            }
            for (Future<String> f : futures) answers.add(f.get());
        }
        assertThat(answers).hasSize(requests).containsOnly("word0 word1 word2 word3 word4");

        ChaosUpstream flaky = STUBS.get("flaky");
        ChaosUpstream solid = STUBS.get("solid");
        assertThat(flaky.count(ChaosUpstream.Outcome.SERVER_ERROR)).as("the flaky deployment did fail").isGreaterThan(10);
        assertThat(flaky.count(ChaosUpstream.Outcome.ANSWERED)).as("and still served its share").isGreaterThan(10);

        List<UsageRecord> ledger = quarry.ledgerFor("balancer", 1000);
        assertThat(ledger).hasSize(requests).allSatisfy(r -> assertThat(r.status()).isEqualTo("completed"));
        assertThat(ledger.stream().map(UsageRecord::requestId).distinct()).hasSize(requests);
        assertThat(ledger.stream().mapToLong(r -> r.usage().outputTokens()).sum()).as("each answer billed once").isEqualTo(5L * requests);
        assertThat(ledger.stream().mapToLong(r -> r.usage().inputTokens()).sum()).isEqualTo((long) ChaosUpstream.PROMPT_TOKENS * requests);
        assertThat(ledger.stream().mapToInt(r -> r.routing().attempts()).sum()).as("every upstream call is in an attempt count")
                .isEqualTo(flaky.requests() + solid.requests());
    }

    @Test
    void withEveryDeploymentFailingTheClientGetsOneClearErrorAfterTheBudgetOfAttempts() {
        String key = quarry.newKey("doomed-caller");
        int before = STUBS.get("dead1").requests() + STUBS.get("dead2").requests();
        Reply reply = chat(key, "doomed", false, Map.of());
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.body()).contains("Quarry made 4 attempts", "doomed on dead1/up", "doomed-too on dead2/other");
        assertThat(reply.header("X-Quarry-Attempts")).isEqualTo("4");
        assertThat(reply.header("X-Quarry-Fallback-Path")).isEqualTo("doomed > doomed-too");
        assertThat(STUBS.get("dead1").requests() + STUBS.get("dead2").requests() - before).isEqualTo(4);
        UsageRecord row = quarry.ledgerRecord(reply.requestId());
        assertThat(row.status()).isEqualTo("failed");
        assertThat(row.routing().attempts()).isEqualTo(4);
        assertThat(row.usage().totalTokens()).isZero();
    }

    @Test
    void aStreamCutBeforeItsFirstEventFallsOverUnseenAndOneCutLaterEndsInTheSurfacesErrorBillingWhatWasDelivered() {
        String key = quarry.newKey("streamer");
        Reply early = chat(key, "cut-early", true, Map.of());
        assertThat(early.status()).isEqualTo(200);
        assertThat(early.body()).contains("word4").doesNotContain("\"error\"");
        assertThat(early.header("X-Quarry-Attempts")).isEqualTo("2");
        assertThat(early.header("X-Quarry-Deployment")).isEqualTo("steady/up");

        Reply cut = chat(key, "cutting", true, Map.of());
        assertThat(cut.status()).isEqualTo(200);
        assertThat(cut.body()).contains("word0", "word1", "\"error\"").doesNotContain("word2");
        UsageRecord row = quarry.ledgerRecord(cut.requestId());
        assertThat(row.status()).isEqualTo("failed");
        assertThat(row.routing().attempts()).isEqualTo(1);
        assertThat(row.usage().outputTokens()).as("'word0 word1 ' delivered").isEqualTo(TokenEstimate.of("word0 word1 "));
        assertThat(row.usage().inputTokens()).as("and the prompt that produced it, estimated").isPositive();
    }

    @Test
    void aThrottledDeploymentIsPassedOverAtOnceAndLeftAloneForItsRetryAfter() {
        String key = quarry.newKey("hurried");
        Reply first = chat(key, "busy", false, Map.of());
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("X-Quarry-Deployment")).isEqualTo("steady/up");
        assertThat(first.header("X-Quarry-Attempts")).isEqualTo("2");
        Reply second = chat(key, "busy", false, Map.of());
        assertThat(second.header("X-Quarry-Attempts")).isEqualTo("1");
        assertThat(STUBS.get("throttled").requests()).isEqualTo(1);
    }

    @Test
    void aPrincipalHeldToEuRegionsNeverReachesAUsDeploymentEvenWhileFallingBack() {
        String eve = quarry.newKey("eve");
        admin("POST", "/admin/policies/EuResidency/attachments", "{\"target_type\": \"principal\", \"target_name\": \"eve\"}");
        int usBefore = STUBS.get("us").requests() + STUBS.get("us2").requests();

        Reply served = chat(eve, "resident", false, Map.of());
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.header("X-Quarry-Deployment")).isEqualTo("eu2/up");
        assertThat(served.header("X-Quarry-Fallback-Path")).isEqualTo("resident > resident-fallback");

        Reply noFallback = chat(eve, "resident", false, Map.of("X-Quarry-Fallbacks", "none"));
        assertThat(noFallback.status()).isEqualTo(503);
        assertThat(noFallback.header("X-Quarry-Attempts")).isEqualTo("2");
        assertThat(noFallback.body()).as("the error says why there were fewer places to go")
                .contains("resident: 1 of its deployments not allowed for you");

        Reply refused = chat(eve, "us-only", false, Map.of());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("statement 'EuOnly' of policy 'EuResidency'");
        assertThat(STUBS.get("us").requests() + STUBS.get("us2").requests()).as("no US deployment was called for eve").isEqualTo(usBefore);

        Reply anyone = chat(quarry.newKey("ursula"), "resident", false, Map.of());
        assertThat(anyone.header("X-Quarry-Deployment")).as("others still use the first choice").isEqualTo("us/up");
    }

    @Test
    void aFallbackHeaderReplacesTheModelsOwnFallbacksAndAnUnknownModelInItIsRefused() {
        String key = quarry.newKey("chooser");
        Reply rescued = chat(key, "doomed", false, Map.of("X-Quarry-Fallbacks", "roomy"));
        assertThat(rescued.status()).isEqualTo(200);
        assertThat(rescued.header("X-Quarry-Fallback-Path")).isEqualTo("doomed > roomy");

        Reply unknown = chat(key, "doomed", false, Map.of("X-Quarry-Fallbacks", "no-such-model"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("X-Quarry-Fallbacks names 'no-such-model'");
    }

    @Test
    void hostileRoutingHeadersGetAClearErrorOrMeanNothing() {
        String key = quarry.newKey("prankster");
        String many = String.join(",", java.util.Collections.nCopies(300, "x")) + ",y";
        Reply unknown = chat(key, "balanced", false, Map.of("X-Quarry-Fallbacks", many));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("X-Quarry-Fallbacks names 'x'");

        Reply embedder = chat(key, "balanced", false, Map.of("X-Quarry-Fallbacks", "quarry/minilm"));
        assertThat(embedder.status()).isEqualTo(400);
        assertThat(embedder.body()).contains("cannot serve this kind of request");

        Reply commas = chat(key, "roomy", false, Map.of("X-Quarry-Fallbacks", " , ,, "));
        assertThat(commas.status()).as("only separators: no fallbacks").isEqualTo(200);

        Reply session = chat(key, "roomy", false, Map.of("X-Quarry-Session", "s".repeat(4000)));
        assertThat(session.status()).as("a session key outside any experiment changes nothing").isEqualTo(200);
    }

    @Test
    void aPromptTooLargeForTheModelGoesToItsContextWindowFallbackWithoutCallingIt() {
        Reply reply = chat(quarry.newKey("verbose"), "tiny", false, Map.of(), "a rather long prompt ".repeat(20));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("X-Quarry-Model")).isEqualTo("roomy");
        assertThat(STUBS.get("tiny").requests()).isZero();
    }

    @Test
    void anAttemptWithNoAnswerWithinTheAttemptTimeoutIsAbandonedForTheNextDeployment() {
        long start = System.nanoTime();
        Reply reply = chat(quarry.newKey("waiter"), "patient", true, Map.of());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("X-Quarry-Deployment")).isEqualTo("steady/up");
        assertThat(reply.header("X-Quarry-Attempts")).isEqualTo("2");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aDeploymentThatKeepsFailingIsTakenOutOfRotationForEveryClient() {
        try (ChaosUpstream broken = ChaosUpstream.start(Chaos.NONE.withErrorRate(1));
             ChaosUpstream healthy = ChaosUpstream.start();
             TestQuarry breaking = TestQuarry.start("""
                     providers:
                       - { name: broken, type: openai-compatible, base_url: "%s" }
                       - { name: healthy, type: openai-compatible, base_url: "%s" }
                     routing: { cooldown: { allowed_failures: 2, window_seconds: 60, cooldown_seconds: 60 } }
                     models:
                       - { id: guarded, deployments: [{ provider: broken, model: up }, { provider: healthy, model: up, priority: 1 }] }
                     """.formatted(broken.baseUrl(), healthy.baseUrl()), Map.of())) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(breaking.baseUrl() + "/v1").apiKey(breaking.newKey("careful"))
                    .maxRetries(0).build();
            for (int i = 0; i < 6; i++) {
                assertThat(client.chat().completions().create(ChatCompletionCreateParams.builder().model("guarded").addUserMessage("hi")
                        .build()).choices().getFirst().message().content()).hasValue("word0 word1 word2 word3 word4");
            }
            assertThat(broken.requests()).as("after two failures the circuit is open and nobody is sent there").isEqualTo(2);
            assertThat(healthy.requests()).isEqualTo(6);
        }
    }

    @Test
    void leastLatencySendsTrafficToTheFasterDeploymentOnceBothAreMeasured() {
        String key = quarry.newKey("impatient");
        List<String> servedBy = new ArrayList<>();
        // Streamed: a whole answer's time is no first token's, and teaches the strategy nothing.
        for (int i = 0; i < 10; i++) servedBy.add(chat(key, "quick", true, Map.of()).header("X-Quarry-Deployment"));
        assertThat(servedBy.subList(0, 2)).containsExactlyInAnyOrder("slow/up", "fast/up");
        assertThat(servedBy.subList(2, 10)).containsOnly("fast/up");
    }

    private static String streamedText(OpenAIClient client, String model) {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(ChatCompletionCreateParams.builder().model(model).addUserMessage("hi").build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }
        return text.toString();
    }

    private static Reply chat(String key, String model, boolean stream, Map<String, String> headers) {
        return chat(key, model, stream, headers, "hello");
    }

    private static Reply chat(String key, String model, boolean stream, Map<String, String> headers, String prompt) {
        String body = "{\"model\": \"" + model + "\", \"stream\": " + stream + ", \"messages\": [{\"role\": \"user\", \"content\": \""
                + prompt + "\"}]}";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    private static void admin(String method, String path, String body) {
        Reply reply = send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path)).header("Authorization", "Bearer " + quarry.adminKey())
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }

    private static Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    record Reply(int status, String body, Map<String, List<String>> headers) {
        String header(String name) {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(h -> h.getValue().getFirst())
                    .findFirst().orElse(null);
        }

        String requestId() {
            return header("X-Request-Id");
        }
    }
}
