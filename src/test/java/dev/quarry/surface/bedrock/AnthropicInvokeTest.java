package dev.quarry.surface.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.aws.EventStreamCodec;
import dev.quarry.aws.EventStreamMessage;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicInvokeTest {
    private static final String MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0";

    @Test
    void aBedrockMessagesBodyDecodesWithTheModelOfThePath() {
        ChatRequest request = decode("""
                {"anthropic_version": "bedrock-2023-05-31", "anthropic_beta": ["context-1m-2025-08-07"], "max_tokens": 100,
                 "system": "Be brief.", "messages": [{"role": "user", "content": "Hi"}]}
                """);

        assertThat(request.model()).isEqualTo(MODEL);
        assertThat(request.systemText()).isEqualTo("Be brief.");
        assertThat(request.messages()).containsExactly(Message.user("Hi"));
        assertThat(request.config().maxTokens()).isEqualTo(100);
        assertThat(request.extensions()).containsEntry("anthropic_beta", List.of("context-1m-2025-08-07"));
    }

    @Test
    void theEnvelopeIsChecked() {
        assertRefused("{\"max_tokens\": 1, \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}", ErrorKind.UNSUPPORTED_FEATURE, "Converse");
        assertRefused("{\"anthropic_version\": \"2023-06-01\", \"max_tokens\": 1, \"messages\": []}", ErrorKind.INVALID_REQUEST, "bedrock-2023-05-31");
        assertRefused("{\"anthropic_version\": \"bedrock-2023-05-31\", \"model\": \"x\", \"max_tokens\": 1, \"messages\": []}",
                ErrorKind.INVALID_REQUEST, "extraneous key [model]");
    }

    @Test
    void theAnswerIsTheAnthropicMessageWithBedrocksCountHeaders() throws IOException {
        var response = new ChatResponse("id", "m", List.of(new ContentBlock.Text("Hello.")), StopReason.END_TURN, new Usage(10, 4, 5, 0));

        WireReply reply = AnthropicInvoke.encode(response, "msg_bdrk_1", MODEL, 12);

        JsonNode message = Json.MAPPER.readTree(reply.body());
        assertThat(message.path("id").asText()).isEqualTo("msg_bdrk_1");
        assertThat(message.path("model").asText()).isEqualTo(MODEL);
        assertThat(message.at("/content/0/text").asText()).isEqualTo("Hello.");
        assertThat(reply.headers()).containsEntry("X-Amzn-Bedrock-Input-Token-Count", "15")
                .containsEntry("X-Amzn-Bedrock-Output-Token-Count", "4").containsEntry("X-Amzn-Bedrock-Invocation-Latency", "12");
    }

    @Test
    void theStreamIsAnthropicEventsInChunksWithoutPingsAndWithInvocationMetrics() throws IOException {
        List<EventStreamMessage> frames = stream(EventStream.of(List.of(
                new StreamEvent.MessageStart("id", "m"),
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, "Hel"),
                new StreamEvent.TextDelta(0, "lo."),
                new StreamEvent.BlockStop(0),
                new StreamEvent.UsageReport(new Usage(10, 4, 0, 0)),
                new StreamEvent.MessageStop(StopReason.END_TURN))));

        assertThat(frames).allSatisfy(f -> assertThat(f.text(EventStreamMessage.EVENT_TYPE)).contains("chunk"));
        List<JsonNode> events = frames.stream().map(AnthropicInvokeTest::chunkEvent).toList();
        assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("message_start", "content_block_start",
                "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(events.getLast().path("amazon-bedrock-invocationMetrics")).isEqualTo(Json.MAPPER.readTree(
                "{\"inputTokenCount\":10,\"outputTokenCount\":4,\"invocationLatency\":7,\"firstByteLatency\":7}"));
    }

    @Test
    void aFailureMidStreamIsAnExceptionFrameOfTheOriginalKind() throws IOException {
        List<StreamEvent> before = List.of(new StreamEvent.MessageStart("id", "m"));
        List<EventStreamMessage> frames = stream(ConverseStreamEncoderTest.failingAfter(before,
                QuarryException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "The upstream is down.")));

        assertThat(frames.getLast().text(EventStreamMessage.EXCEPTION_TYPE)).contains("serviceUnavailableException");
        assertThat(frames.getLast().payloadText()).isEqualTo("{\"message\":\"The upstream is down.\"}");
    }

    private static ChatRequest decode(String json) {
        return AnthropicInvoke.decode(MODEL, Json.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertRefused(String json, ErrorKind kind, String message) {
        assertThatThrownBy(() -> decode(json)).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.getMessage()).contains(message);
        });
    }

    private static List<EventStreamMessage> stream(EventStream events) throws IOException {
        var out = new ByteArrayOutputStream();
        AnthropicChunkStream.write(events, out, "msg_bdrk_1", MODEL, 10, () -> 7);
        var in = new ByteArrayInputStream(out.toByteArray());
        List<EventStreamMessage> frames = new ArrayList<>();
        for (EventStreamMessage frame; (frame = EventStreamCodec.read(in)) != null; ) frames.add(frame);
        return frames;
    }

    private static JsonNode chunkEvent(EventStreamMessage chunk) {
        byte[] bytes = Base64.getDecoder().decode(Json.parseObject(chunk.payload()).path("bytes").asText());
        return Json.parseObject(bytes);
    }
}
