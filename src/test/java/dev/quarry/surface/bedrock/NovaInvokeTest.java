package dev.quarry.surface.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.aws.EventStreamMessage;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NovaInvokeTest {
    private static final NovaInvoke FAMILY = new NovaInvoke();

    @Test
    void aNovaBodyDecodesAsTheConverseRequestItMirrors() {
        ChatRequest request = decode("""
                {"schemaVersion": "messages-v1", "system": [{"text": "Be brief."}],
                 "messages": [{"role": "user", "content": [{"text": "Look"}, {"image": {"format": "png", "source": {"bytes": "AAAA"}}}]},
                              {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "see", "input": {"x": 1}}}]},
                              {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"text": "seen"}]}}]}],
                 "inferenceConfig": {"max_new_tokens": 100, "temperature": 0.3, "top_p": 0.8, "topK": 20, "stopSequences": ["END"]},
                 "toolConfig": {"tools": [{"toolSpec": {"name": "see", "inputSchema": {"json": {"type": "object"}}}}]}}
                """);

        assertThat(request.model()).isEqualTo(InvokeFrames.MODEL);
        assertThat(request.systemText()).isEqualTo("Be brief.");
        assertThat(request.messages()).extracting(m -> m.role()).containsExactly(Role.USER, Role.ASSISTANT, Role.USER);
        assertThat(request.messages().get(0).content()).containsExactly(new ContentBlock.Text("Look"), new ContentBlock.Image("data:image/png;base64,AAAA"));
        assertThat(request.messages().get(1).content()).containsExactly(new ContentBlock.ToolUse("t1", "see", "{\"x\":1}", ToolKind.FUNCTION));
        assertThat(request.messages().get(2).content().getFirst()).isInstanceOf(ContentBlock.ToolResult.class);
        assertThat(request.tools()).extracting(t -> t.name()).containsExactly("see");
        assertThat(request.config()).isEqualTo(new InferenceConfig(100, 0.3, 0.8, List.of("END")));
        assertThat(request.extensions()).containsEntry("additionalModelRequestFields", Map.of("inferenceConfig", Map.of("topK", 20)));
    }

    @Test
    void whatNovaDoesNotDefineIsRefused() {
        assertRefused("{\"schemaVersion\": \"v2\", \"messages\": [{\"role\": \"user\", \"content\": [{\"text\": \"Hi\"}]}]}", "messages-v1");
        assertRefused("{\"guardrailConfig\": {}, \"messages\": [{\"role\": \"user\", \"content\": [{\"text\": \"Hi\"}]}]}",
                "extraneous key [guardrailConfig]");
        assertRefused("{\"inferenceConfig\": {\"maxTokens\": 1, \"max_new_tokens\": 2}, \"messages\": [{\"role\": \"user\", \"content\": [{\"text\": \"Hi\"}]}]}",
                "Give one of");
    }

    @Test
    void theAnswerIsConversesWithNovasUsageNames() {
        var response = new ChatResponse("id", "m", List.of(new ContentBlock.Text("Hello.")), StopReason.END_TURN, new Usage(10, 4, 5, 1));

        WireReply reply = FAMILY.encode(response, "req_01", InvokeFrames.MODEL, 12);

        assertThat(Json.parseObject(reply.body())).isEqualTo(InvokeFrames.body("""
                {"output": {"message": {"role": "assistant", "content": [{"text": "Hello."}]}}, "stopReason": "end_turn",
                 "usage": {"inputTokens": 10, "outputTokens": 4, "totalTokens": 20, "cacheReadInputTokenCount": 5, "cacheWriteInputTokenCount": 1}}
                """));
        assertThat(reply.headers()).containsEntry("X-Amzn-Bedrock-Input-Token-Count", "16");
    }

    @Test
    void theStreamIsConverseEventsAsChunksEndingWithMetadataAndMetrics() {
        List<ObjectNode> chunks = InvokeFrames.chunks(InvokeFrames.stream(FAMILY, EventStream.of(List.of(
                new StreamEvent.MessageStart("id", "m"),
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, "Hello."),
                new StreamEvent.BlockStop(0),
                new StreamEvent.UsageReport(new Usage(10, 4, 2, 0)),
                new StreamEvent.MessageStop(StopReason.END_TURN)))));

        assertThat(chunks).extracting(c -> c.fieldNames().next())
                .containsExactly("messageStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata");
        assertThat(chunks.get(1)).isEqualTo(InvokeFrames.body("{\"contentBlockDelta\": {\"contentBlockIndex\": 0, \"delta\": {\"text\": \"Hello.\"}}}"));
        assertThat(chunks.get(3).at("/messageStop/stopReason").asText()).isEqualTo("end_turn");
        ObjectNode last = chunks.getLast();
        assertThat(last.at("/metadata/usage/cacheReadInputTokenCount").asLong()).isEqualTo(2);
        assertThat(last.path("amazon-bedrock-invocationMetrics")).isEqualTo(InvokeFrames.body(
                "{\"inputTokenCount\":12,\"outputTokenCount\":4,\"invocationLatency\":7,\"firstByteLatency\":7}"));
    }

    @Test
    void aFailureMidStreamIsTheConverseExceptionFrame() {
        List<EventStreamMessage> frames = InvokeFrames.stream(FAMILY, ConverseStreamEncoderTest.failingAfter(
                List.of(new StreamEvent.MessageStart("id", "m")), QuarryException.of(ErrorKind.RATE_LIMITED, "Slow down.")));

        assertThat(InvokeFrames.chunk(frames.getFirst()).has("messageStart")).isTrue();
        assertThat(frames.getLast().text(EventStreamMessage.EXCEPTION_TYPE)).contains("throttlingException");
    }

    private static ChatRequest decode(String json) {
        return FAMILY.decode(InvokeFrames.MODEL, InvokeFrames.body(json), false);
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> decode(json)).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
