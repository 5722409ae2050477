package dev.quarry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.provider.openai.internal.OpenAiErrors;
import dev.quarry.testing.ChaosUpstream.Chaos;
import dev.quarry.testing.ChaosUpstream.Outcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChaosUpstreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = """
            {"model":"gpt-chaos","stream":true,"stream_options":{"include_usage":true},
             "messages":[{"role":"user","content":"hi"}]}""";

    private final ChaosUpstream upstream = ChaosUpstream.start();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void close() {
        client.shutdownNow();
        upstream.close();
    }

    @Test
    void streamsRoleContentFinishUsageAndDone() throws Exception {
        HttpResponse<String> response = client.send(post(STREAM), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        List<String> events = events(response.body());
        assertThat(events).hasSize(1 + 5 + 1 + 1 + 1).last().isEqualTo("[DONE]");
        assertThat(json(events.getFirst()).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        for (String event : events.subList(1, 6)) {
            JsonNode chunk = json(event);
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.at("/choices/0/finish_reason").isNull()).isTrue();
            text.append(chunk.at("/choices/0/delta/content").asText());
        }
        assertThat(text).hasToString("word0 word1 word2 word3 word4");
        assertThat(json(events.get(6)).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = json(events.get(7));
        assertThat(usage.path("choices").isArray() && usage.path("choices").isEmpty()).isTrue();
        assertThat(usage.at("/usage/prompt_tokens").asInt()).isEqualTo(ChaosUpstream.PROMPT_TOKENS);
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(5);
        assertThat(usage.at("/usage/total_tokens").asInt()).isEqualTo(15);
        assertThat(upstream.answered()).isEqualTo(1);
        assertThat(upstream.count(Outcome.ANSWERED)).isEqualTo(1);
        assertThat(upstream.lastRequestBody().path("model").asText()).isEqualTo("gpt-chaos");
    }

    @Test
    void servesSeveralRequestsOnOneKeptAliveConnection() throws Exception {
        HttpResponse<String> first = client.send(post(STREAM), HttpResponse.BodyHandlers.ofString());
        // A body of unknown length goes out chunked.
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        STREAM.replace("gpt-chaos", "gpt-second").getBytes(StandardCharsets.UTF_8))))
                .build();
        HttpResponse<String> second = client.send(chunked, HttpResponse.BodyHandlers.ofString());

        assertThat(List.of(first, second)).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(events(response.body())).last().isEqualTo("[DONE]");
        });
        assertThat(upstream.connections()).isEqualTo(1);
        assertThat(upstream.requests()).isEqualTo(2);
        assertThat(upstream.answered()).isEqualTo(2);
        assertThat(upstream.requestBodies()).extracting(body -> body.path("model").asText())
                .containsExactly("gpt-chaos", "gpt-second");
    }

    @Test
    void answersAWholeCompletionWhenNotAskedToStream() throws Exception {
        upstream.chaos(Chaos.NONE.withWords(3));

        HttpResponse<String> response = client.send(post("{\"model\":\"gpt-chaos\",\"messages\":[]}"),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode completion = json(response.body());
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("word0 word1 word2");
        assertThat(completion.at("/usage/completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void throttlesWithRetryAfter() throws Exception {
        upstream.chaos(Chaos.NONE.withThrottleRate(1));

        HttpResponse<String> response = client.send(post(STREAM), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue("1");
        assertThat(json(response.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(kind(429, response.body())).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(upstream.count(Outcome.THROTTLED)).isEqualTo(1);
    }

    @Test
    void failsWithServerError() throws Exception {
        upstream.chaos(Chaos.NONE.withErrorRate(1));

        HttpResponse<String> response = client.send(post(STREAM), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(json(response.body()).at("/error/type").asText()).isEqualTo("server_error");
        assertThat(kind(500, response.body())).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
    }

    @Test
    void refusalsAreTheOnesQuarrysOpenAiProviderRecognises() throws Exception {
        upstream.chaos(Chaos.NONE.withContextWindowExceededRate(1));
        HttpResponse<String> tooLong = client.send(post(STREAM), HttpResponse.BodyHandlers.ofString());
        upstream.chaos(Chaos.NONE.withContentFilterRate(1));
        HttpResponse<String> filtered = client.send(post(STREAM), HttpResponse.BodyHandlers.ofString());

        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(kind(400, tooLong.body())).isEqualTo(ErrorKind.CONTEXT_WINDOW_EXCEEDED);
        assertThat(filtered.statusCode()).isEqualTo(400);
        assertThat(kind(400, filtered.body())).isEqualTo(ErrorKind.CONTENT_FILTERED);
    }

    @Test
    void resetsTheConnectionWithoutAnswering() {
        upstream.chaos(Chaos.NONE.withResetRate(1));

        assertThatThrownBy(() -> client.send(post(STREAM), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        assertThat(upstream.count(Outcome.RESET)).isEqualTo(1);
        assertThat(upstream.answered()).isZero();
    }

    @Test
    void cutsTheStreamAfterTheChunksItWasToldTo() {
        upstream.chaos(Chaos.NONE.withCutAfterChunks(2));
        AtomicInteger status = new AtomicInteger();
        Collector body = new Collector();

        assertThatThrownBy(() -> client.send(post(STREAM), info -> {
            status.set(info.statusCode());
            return HttpResponse.BodySubscribers.fromSubscriber(body);
        })).isInstanceOf(IOException.class);

        assertThat(status).hasValue(200);
        List<String> received = events(body.received.toString(StandardCharsets.UTF_8));
        assertThat(received).hasSize(2);
        assertThat(json(received.get(1)).at("/choices/0/delta/content").asText()).isEqualTo("word0");
        assertThat(upstream.count(Outcome.CUT)).isEqualTo(1);
        assertThat(upstream.answered()).isZero();
    }

    @Test
    void aSeededErrorRateIsAboutRightAndRepeats() throws Exception {
        Chaos chaos = Chaos.NONE.withErrorRate(0.5).withSeed(42);
        upstream.chaos(chaos);
        List<Integer> statuses = statuses(200);
        upstream.chaos(chaos);
        List<Integer> again = statuses(20);

        long errors = statuses.stream().filter(status -> status == 500).count();
        assertThat(errors).isBetween(70L, 130L);
        assertThat(upstream.count(Outcome.SERVER_ERROR) - errors).isEqualTo(again.stream().filter(status -> status == 500).count());
        assertThat(again).isEqualTo(statuses.subList(0, 20));
    }

    @Test
    void waitsOutTheLatencyBeforeAnswering() throws Exception {
        upstream.chaos(Chaos.NONE.withLatency(Duration.ofMillis(200)));

        long start = System.nanoTime();
        HttpResponse<String> response = client.send(post(STREAM), HttpResponse.BodyHandlers.ofString());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    private List<Integer> statuses(int requests) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            statuses.add(client.send(post(STREAM), HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        return statuses;
    }

    private HttpRequest post(String body) {
        return HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** The data of each SSE event. */
    private static List<String> events(String body) {
        return Arrays.stream(body.split("\n\n"))
                .filter(event -> !event.isBlank())
                .map(event -> {
                    assertThat(event).startsWith("data: ");
                    return event.substring("data: ".length());
                })
                .toList();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ErrorKind kind(int status, String body) {
        return OpenAiErrors.fromStatus("chaos", "gpt-chaos", status, body, Optional.of(Duration.ofSeconds(1))).kind();
    }

    /**
     * Keeps a body's bytes as they arrive. The client's own InputStream would not do: once the
     * connection fails it throws, dropping the bytes received before the failure.
     */
    private static final class Collector implements Flow.Subscriber<List<ByteBuffer>> {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                received.writeBytes(bytes);
            }
        }

        @Override
        public void onError(Throwable failure) {
            // client.send throws it
        }

        @Override
        public void onComplete() {
            // client.send returns
        }
    }
}
