package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.aws.EventStreamCodec;
import dev.quarry.aws.EventStreamMessage;
import dev.quarry.aws.HeaderValue;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.testing.AccessLog;
import dev.quarry.testing.BedrockH2c;
import dev.quarry.testing.Eventually;
import dev.quarry.testing.RawH2c;
import dev.quarry.testing.SlowChatUpstream;
import dev.quarry.testing.TestQuarry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.Http2Metric;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;

/**
 * A client that sends GOAWAY(NO_ERROR, last-stream-id 0) as soon as an answer's headers arrive,
 * as the AWS SDK for JavaScript v3 does on every event-stream call, still gets the whole answer:
 * GOAWAY stops new streams, not the ones in flight (RFC 9113 §6.8). Each surface, 50 times in a
 * row, since a cut depended on how far the handler had got when the GOAWAY was read.
 */
class Http2GoAwayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROUNDS = 50;
    private static final int FLOW_CONTROL_WINDOW = 65_535;
    /** The slow model's answer takes two seconds. */
    private static final int SLOW_WORDS = 40;
    private static final Duration SLOW_PAUSE = Duration.ofMillis(50);
    /** HTTP/2 error codes (RFC 9113 §7). */
    private static final int NO_ERROR = 0x0, PROTOCOL_ERROR = 0x1, CANCEL = 0x8;
    /** Long enough for a few hundred events: a stream over HTTP/2's initial flow-control window on the SSE surfaces. */
    private static final String SAID = "going away ".repeat(800).strip();
    private static final String ANSWER = "You said: " + SAID;

    static SlowChatUpstream slow;
    static TestQuarry quarry;
    static IssuedKey key;
    static int port;

    @BeforeAll
    static void start() {
        slow = new SlowChatUpstream(SLOW_WORDS, SLOW_PAUSE);
        quarry = TestQuarry.start(slow.modelConfig(), Map.of());
        key = quarry.quarry().identities().createKey("goaway-user", PrincipalKind.USER);
        port = URI.create(quarry.baseUrl()).getPort();
    }

    @AfterAll
    static void stop() {
        quarry.close();
        slow.close();
    }

    @Test
    void converseIsAnsweredWhole() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            RawH2c.Response response = bedrock("converse", converseBody());

            assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).at("/output/message/content/0/text").asText()).as("round " + round).isEqualTo(ANSWER);
        }
    }

    @Test
    void converseStreamsEveryEvent() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            List<EventStreamMessage> events = events(bedrock("converse-stream", converseBody()));

            var text = new StringBuilder();
            events.stream().filter(e -> eventType(e).equals("contentBlockDelta"))
                    .forEach(e -> text.append(read(e.payloadText()).at("/delta/text").asText()));
            assertThat(text).as("round " + round).hasToString(ANSWER);
            assertThat(events.stream().map(Http2GoAwayTest::eventType)).as("round " + round).contains("messageStop").last().isEqualTo("metadata");
        }
    }

    @Test
    void invokeModelStreamsEveryChunk() throws Exception {
        byte[] body = JSON.writeValueAsBytes(Map.of("prompt", SAID));
        for (int round = 0; round < ROUNDS; round++) {
            List<JsonNode> chunks = new ArrayList<>();
            for (EventStreamMessage event : events(bedrock("invoke-with-response-stream", body))) {
                assertThat(eventType(event)).isEqualTo("chunk");
                chunks.add(read(new String(Base64.getDecoder().decode(read(event.payloadText()).path("bytes").asText()), StandardCharsets.UTF_8)));
            }

            var text = new StringBuilder();
            chunks.forEach(c -> text.append(c.path("generation").asText("")));
            assertThat(text).as("round " + round).hasToString(ANSWER);
            assertThat(chunks.getLast().path("stop_reason").asText()).isEqualTo("stop");
        }
    }

    @Test
    void anOpenAiStreamLongerThanTheFlowControlWindowArrivesWhole() throws Exception {
        byte[] body = JSON.writeValueAsBytes(Map.of("model", "quarry/echo", "stream", true, "messages", List.of(Map.of("role", "user", "content", SAID))));
        for (int round = 0; round < ROUNDS; round++) {
            RawH2c.Response response = RawH2c.sendGoingAway(port, request("/v1/chat/completions", Map.of("authorization", "Bearer " + key.apiKey())), body);

            assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
            assertThat(response.body().length).isGreaterThan(FLOW_CONTROL_WINDOW);
            List<String> data = sse(response, "data: ");
            assertThat(data.getLast()).as("round " + round).isEqualTo("[DONE]");
            var text = new StringBuilder();
            data.subList(0, data.size() - 1).forEach(d -> text.append(read(d).at("/choices/0/delta/content").asText("")));
            assertThat(text).as("round " + round).hasToString(ANSWER);
        }
    }

    @Test
    void anAnthropicStreamLongerThanTheFlowControlWindowArrivesWhole() throws Exception {
        byte[] body = JSON.writeValueAsBytes(Map.of("model", "quarry/echo", "stream", true, "max_tokens", 8192,
                "messages", List.of(Map.of("role", "user", "content", SAID))));
        for (int round = 0; round < ROUNDS; round++) {
            RawH2c.Response response = RawH2c.sendGoingAway(port,
                    request("/v1/messages", Map.of("x-api-key", key.apiKey(), "anthropic-version", "2023-06-01")), body);

            assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
            assertThat(response.body().length).isGreaterThan(FLOW_CONTROL_WINDOW);
            assertThat(sse(response, "event: ").getLast()).as("round " + round).isEqualTo("message_stop");
            var text = new StringBuilder();
            sse(response, "data: ").forEach(d -> text.append(read(d).at("/delta/text").asText("")));
            assertThat(text).as("round " + round).hasToString(ANSWER);
        }
    }

    /** A client that went away but keeps its socket open has the connection closed once its last stream has ended. */
    @Test
    void theConnectionOfAClientThatWentAwayIsClosedOnceItsStreamsHaveEnded() throws Exception {
        byte[] body = JSON.writeValueAsBytes(Map.of("model", "quarry/echo", "stream", true, "messages", List.of(Map.of("role", "user", "content", SAID))));
        long start = System.nanoTime();

        RawH2c.Response response = RawH2c.sendGoingAwayUntilClosed(port, request("/v1/chat/completions", Map.of("authorization", "Bearer " + key.apiKey())),
                body, NO_ERROR);

        assertThat(sse(response, "data: ").getLast()).isEqualTo("[DONE]");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    /** A GOAWAY with an error code is a client aborting: its connection, and the stream on it, end at once. */
    @Test
    void aGoAwayWithAnErrorCodeEndsTheConnectionAtOnce() throws Exception {
        byte[] body = JSON.writeValueAsBytes(Map.of("model", "slow", "stream", true, "messages", List.of(Map.of("role", "user", "content", "go"))));
        long start = System.nanoTime();

        RawH2c.Response response = RawH2c.sendGoingAwayUntilClosed(port, request("/v1/chat/completions", Map.of("authorization", "Bearer " + key.apiKey())),
                body, CANCEL);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).doesNotContain("[DONE]");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SLOW_PAUSE.multipliedBy(SLOW_WORDS));
    }

    /**
     * A header block is one unbroken run of frames (RFC 9113 §4.3): a GOAWAY inside one is a
     * connection error, even when it comes while another stream is being answered.
     */
    @Test
    void aGoAwayInsideAHeaderBlockIsAProtocolError() throws Exception {
        byte[] body = JSON.writeValueAsBytes(Map.of("model", "slow", "stream", true, "messages", List.of(Map.of("role", "user", "content", "go"))));

        RawH2c.Response response = RawH2c.goAwayInsideAHeaderBlock(port, request("/v1/chat/completions", Map.of("authorization", "Bearer " + key.apiKey())),
                body);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.goAwayCode()).isEqualTo(PROTOCOL_ERROR);
    }

    /**
     * The AWS SDK for Java's async client over HTTP/2 (its Netty transport, h2c to an {@code
     * http://} endpoint): every ConverseStream event arrives, 50 times. Its HTTP/2 stream metrics
     * show the calls did go over HTTP/2.
     */
    @Test
    void theAwsSdkForJavaOverHttp2StreamsEveryEvent() throws Exception {
        var metrics = new CopyOnWriteArrayList<String>();
        MetricPublisher publisher = new MetricPublisher() {
            @Override
            public void publish(MetricCollection collection) {
                collect(collection, metrics);
            }

            @Override
            public void close() {}
        };
        try (BedrockRuntimeAsyncClient client = BedrockRuntimeAsyncClient.builder()
                .endpointOverride(URI.create(quarry.baseUrl())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).addMetricPublisher(publisher)).build()) {
            for (int round = 0; round < ROUNDS; round++) {
                var events = new CopyOnWriteArrayList<String>();
                var text = new StringBuffer();
                ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                        .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                                .onMessageStart(e -> events.add("messageStart"))
                                .onContentBlockDelta(e -> text.append(e.delta().text()))
                                .onMessageStop(e -> events.add("messageStop"))
                                .onMetadata(e -> events.add("metadata"))
                                .build())
                        .build();
                client.converseStream(r -> r.modelId("quarry/echo").messages(m -> m.role(ConversationRole.USER).content(ContentBlock.fromText(SAID))),
                        handler).get(30, TimeUnit.SECONDS);

                assertThat(text).as("round " + round).hasToString(ANSWER);
                assertThat(events).as("round " + round).containsExactly("messageStart", "messageStop", "metadata");
            }
        }
        assertThat(metrics).contains(Http2Metric.LOCAL_STREAM_WINDOW_SIZE_IN_BYTES.name());
    }

    private static void collect(MetricCollection collection, List<String> names) {
        collection.forEach(record -> names.add(record.metric().name()));
        collection.children().forEach(child -> collect(child, names));
    }

    /**
     * A client that says GOAWAY and hangs up has its stream ended on the server too, at the next
     * word the slow model sends: settled (its ledger record) and logged as answered, as any other
     * client that goes away mid-stream.
     */
    @Test
    void aClientThatGoesAwayAndHangsUpStillHasItsCallSettledAndLogged() throws Exception {
        try (var access = AccessLog.record()) {
            byte[] body = JSON.writeValueAsBytes(Map.of("model", "slow", "stream", true, "messages", List.of(Map.of("role", "user", "content", "go"))));
            RawH2c.Response response = RawH2c.goAwayAndHangUp(port,
                    request("/v1/chat/completions", Map.of("authorization", "Bearer " + key.apiKey())), body);
            String requestId = response.headers().get("x-request-id");

            assertThat(response.status()).isEqualTo(200);
            assertThat(quarry.ledgerRecord(requestId)).isNotNull();
            assertThat(Eventually.theOne(() -> access.lines().stream().filter(line -> line.contains("request_id=" + requestId)).toList()))
                    .contains("status=200");
        }
    }

    private static byte[] converseBody() throws IOException {
        return JSON.writeValueAsBytes(Map.of("messages", List.of(Map.of("role", "user", "content", List.of(Map.of("text", SAID))))));
    }

    /** A Bedrock Runtime operation on the echo model, signed over :authority, going away after the headers. */
    private static RawH2c.Response bedrock(String operation, byte[] body) throws IOException {
        String path = "/model/quarry%2Fecho/" + operation;
        String authority = "127.0.0.1:" + port;
        Map<String, String> signed = BedrockH2c.sign(key, path, Map.of(":authority", authority, "content-type", "application/json"), body);
        return RawH2c.sendGoingAway(port, BedrockH2c.block(path, authority, null, signed), body);
    }

    private static List<Map.Entry<String, String>> request(String path, Map<String, String> headers) {
        var block = new ArrayList<>(List.of(Map.entry(":method", "POST"), Map.entry(":scheme", "http"), Map.entry(":path", path),
                Map.entry(":authority", "127.0.0.1:" + port), Map.entry("content-type", "application/json")));
        block.addAll(headers.entrySet());
        return block;
    }

    /** Every frame of an event-stream answer, which must end between two frames. */
    private static List<EventStreamMessage> events(RawH2c.Response response) throws IOException {
        assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
        var in = new ByteArrayInputStream(response.body());
        List<EventStreamMessage> events = new ArrayList<>();
        for (EventStreamMessage event = EventStreamCodec.read(in); event != null; event = EventStreamCodec.read(in)) events.add(event);
        return events;
    }

    private static String eventType(EventStreamMessage event) {
        return event.headers().get(EventStreamMessage.EVENT_TYPE) instanceof HeaderValue.Text(String type) ? type : "";
    }

    /** The values of the SSE lines that start with {@code field}, in order. */
    private static List<String> sse(RawH2c.Response response, String field) {
        return response.bodyText().lines().filter(line -> line.startsWith(field)).map(line -> line.substring(field.length())).toList();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
