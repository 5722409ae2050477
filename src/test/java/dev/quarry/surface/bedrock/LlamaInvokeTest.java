package dev.quarry.surface.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.aws.EventStreamMessage;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlamaInvokeTest {
    private static final LlamaInvoke FAMILY = new LlamaInvoke();

    @Test
    void thePromptIsOneUserMessageAsGivenTemplateAndAll() {
        String prompt = "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\\nHi<|eot_id|>";
        ChatRequest request = FAMILY.decode(InvokeFrames.MODEL, InvokeFrames.body("""
                {"prompt": "%s", "max_gen_len": 64, "temperature": 0.5, "top_p": 0.9}
                """.formatted(prompt)), false);

        assertThat(request.model()).isEqualTo(InvokeFrames.MODEL);
        assertThat(request.messages()).containsExactly(Message.user(prompt.replace("\\n", "\n")));
        assertThat(request.config()).isEqualTo(new InferenceConfig(64, 0.5, 0.9, List.of()));
    }

    @Test
    void keysLlamaDoesNotDefineAreRefused() {
        assertThatThrownBy(() -> FAMILY.decode(InvokeFrames.MODEL, InvokeFrames.body("{\"prompt\": \"Hi\", \"max_tokens\": 5}"), false))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
                    assertThat(e.getMessage()).contains("extraneous key [max_tokens]", "Meta Llama");
                });
        assertThatThrownBy(() -> FAMILY.decode(InvokeFrames.MODEL, InvokeFrames.body("{\"prompt\": \"Hi\", \"images\": [\"AA==\"]}"), false))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE));
    }

    @Test
    void theAnswerIsTheGenerationWithItsCountsAndLlamasStopReason() {
        var response = new ChatResponse("id", "m", List.of(new ContentBlock.Text("Hello.")), StopReason.MAX_TOKENS, new Usage(10, 4, 2, 0));

        WireReply reply = FAMILY.encode(response, "req_01", InvokeFrames.MODEL, 12);

        assertThat(Json.parseObject(reply.body())).isEqualTo(InvokeFrames.body("""
                {"generation": "Hello.", "prompt_token_count": 12, "generation_token_count": 4, "stop_reason": "length"}
                """));
        assertThat(reply.headers()).containsEntry("X-Amzn-Bedrock-Input-Token-Count", "12").containsEntry("X-Amzn-Bedrock-Output-Token-Count", "4");
    }

    @Test
    void theStreamIsGenerationChunksEndingWithTheStopReasonAndMetrics() {
        List<ObjectNode> chunks = InvokeFrames.chunks(InvokeFrames.stream(FAMILY, EventStream.of(List.of(
                new StreamEvent.MessageStart("id", "m"),
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, "Hello"),
                new StreamEvent.TextDelta(0, ", world."),
                new StreamEvent.BlockStop(0),
                new StreamEvent.UsageReport(new Usage(11, 3, 0, 0)),
                new StreamEvent.MessageStop(StopReason.END_TURN)))));

        assertThat(chunks).hasSize(3);
        assertThat(chunks.get(0)).isEqualTo(InvokeFrames.body("""
                {"generation": "Hello", "prompt_token_count": 10, "generation_token_count": 2, "stop_reason": null}
                """));
        assertThat(chunks.get(1).path("prompt_token_count").isNull()).isTrue();
        assertThat(chunks.get(1).path("generation").asText()).isEqualTo(", world.");
        JsonNode last = chunks.get(2);
        assertThat(last.path("stop_reason").asText()).isEqualTo("stop");
        assertThat(last.path("generation_token_count").asLong()).isEqualTo(3);
        assertThat(last.path("amazon-bedrock-invocationMetrics")).isEqualTo(InvokeFrames.body(
                "{\"inputTokenCount\":11,\"outputTokenCount\":3,\"invocationLatency\":7,\"firstByteLatency\":7}"));
    }

    @Test
    void aFailureMidStreamIsAnExceptionFrame() {
        List<EventStreamMessage> frames = InvokeFrames.stream(FAMILY, ConverseStreamEncoderTest.failingAfter(
                List.of(new StreamEvent.MessageStart("id", "m")), QuarryException.of(ErrorKind.RATE_LIMITED, "Slow down.")));

        assertThat(frames).hasSize(1);
        assertThat(frames.getFirst().text(EventStreamMessage.EXCEPTION_TYPE)).contains("throttlingException");
    }
}
