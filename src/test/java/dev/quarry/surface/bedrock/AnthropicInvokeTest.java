package dev.quarry.surface.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicInvokeTest {
    private static final String MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0";
    private static final AnthropicInvoke FAMILY = new AnthropicInvoke();

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
        assertRefused("{\"anthropic_version\": \"2023-06-01\", \"max_tokens\": 1, \"messages\": []}", "bedrock-2023-05-31");
        assertRefused("{\"anthropic_version\": \"bedrock-2023-05-31\", \"model\": \"x\", \"max_tokens\": 1, \"messages\": []}",
                "extraneous key [model]");
    }

    @Test
    void theAnswerIsTheAnthropicMessageWithBedrocksCountHeaders() throws IOException {
        var response = new ChatResponse("id", "m", List.of(new ContentBlock.Text("Hello.")), StopReason.END_TURN, new Usage(10, 4, 5, 0));

        WireReply reply = FAMILY.encode(response, "req_01", MODEL, 12);

        JsonNode message = Json.MAPPER.readTree(reply.body());
        assertThat(message.path("id").asText()).isEqualTo("msg_bdrk_01");
        assertThat(message.path("model").asText()).isEqualTo(MODEL);
        assertThat(message.at("/content/0/text").asText()).isEqualTo("Hello.");
        assertThat(reply.headers()).containsEntry("X-Amzn-Bedrock-Input-Token-Count", "15")
                .containsEntry("X-Amzn-Bedrock-Output-Token-Count", "4").containsEntry("X-Amzn-Bedrock-Invocation-Latency", "12");
    }

    @Test
    void theStreamIsAnthropicEventsInChunksWithoutPingsAndWithInvocationMetrics() throws IOException {
        List<EventStreamMessage> frames = InvokeFrames.stream(FAMILY, EventStream.of(List.of(
                new StreamEvent.MessageStart("id", "m"),
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, "Hel"),
                new StreamEvent.TextDelta(0, "lo."),
                new StreamEvent.BlockStop(0),
                new StreamEvent.UsageReport(new Usage(10, 4, 0, 0)),
                new StreamEvent.MessageStop(StopReason.END_TURN))));

        List<? extends JsonNode> events = InvokeFrames.chunks(frames);
        assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("message_start", "content_block_start",
                "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(events.getLast().path("amazon-bedrock-invocationMetrics")).isEqualTo(Json.MAPPER.readTree(
                "{\"inputTokenCount\":10,\"outputTokenCount\":4,\"invocationLatency\":7,\"firstByteLatency\":7}"));
    }

    @Test
    void aFailureMidStreamIsAnExceptionFrameOfTheOriginalKind() {
        List<StreamEvent> before = List.of(new StreamEvent.MessageStart("id", "m"));
        List<EventStreamMessage> frames = InvokeFrames.stream(FAMILY, ConverseStreamEncoderTest.failingAfter(before,
                QuarryException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "The upstream is down.")));

        assertThat(frames.getLast().text(EventStreamMessage.EXCEPTION_TYPE)).contains("serviceUnavailableException");
        assertThat(frames.getLast().payloadText()).isEqualTo("{\"message\":\"The upstream is down.\"}");
    }

    private static ChatRequest decode(String json) {
        return FAMILY.decode(MODEL, InvokeFrames.body(json), false);
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> decode(json)).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
