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
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiInvokeTest {
    private static final OpenAiInvoke FAMILY = new OpenAiInvoke();

    @Test
    void aChatCompletionsBodyWithoutModelDecodesWithTheModelOfThePath() {
        ChatRequest request = decode("""
                {"messages": [{"role": "developer", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
                 "max_completion_tokens": 50, "temperature": 0.2, "stop": ["END"]}
                """, false);

        assertThat(request.model()).isEqualTo(InvokeFrames.MODEL);
        assertThat(request.systemText()).isEqualTo("Be brief.");
        assertThat(request.messages()).containsExactly(Message.user("Hi"));
        assertThat(request.config().maxTokens()).isEqualTo(50);
        assertThat(request.config().stopSequences()).containsExactly("END");
    }

    @Test
    void modelAndStreamMayBeGivenWhenTheyAgreeWithThePathAndTheOperation() {
        assertThat(decode("{\"model\": \"quarry/echo\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}", true)
                .messages()).containsExactly(Message.user("Hi"));
        assertRefused("{\"model\": \"other\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}", false, "request path");
        assertRefused("{\"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}", false, "'stream' must be false for InvokeModel");
    }

    @Test
    void theAnswerIsAChatCompletion() {
        var response = new ChatResponse("id", "m", List.of(new ContentBlock.Text("Hello.")), StopReason.END_TURN, new Usage(10, 4, 0, 0));

        WireReply reply = FAMILY.encode(response, "req_01", InvokeFrames.MODEL, 12);

        ObjectNode completion = Json.parseObject(reply.body());
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.path("id").asText()).isEqualTo("chatcmpl-01");
        assertThat(completion.path("model").asText()).isEqualTo(InvokeFrames.MODEL);
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Hello.");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(reply.headers()).containsEntry("X-Amzn-Bedrock-Output-Token-Count", "4");
    }

    @Test
    void theStreamIsChatCompletionChunksWithoutDoneEndingWithUsageAndMetrics() {
        List<ObjectNode> chunks = InvokeFrames.chunks(InvokeFrames.stream(FAMILY, EventStream.of(List.of(
                new StreamEvent.MessageStart("id", "m"),
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, "Hello."),
                new StreamEvent.BlockStop(0),
                new StreamEvent.UsageReport(new Usage(10, 4, 0, 0)),
                new StreamEvent.MessageStop(StopReason.END_TURN)))));

        assertThat(chunks).allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
        assertThat(chunks).extracting(c -> c.at("/choices/0/delta/content").asText()).containsSubsequence("", "Hello.");
        assertThat(chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        ObjectNode last = chunks.getLast();
        assertThat(last.path("usage").path("completion_tokens").asLong()).isEqualTo(4);
        assertThat(last.path("amazon-bedrock-invocationMetrics").path("inputTokenCount").asLong()).isEqualTo(10);
    }

    @Test
    void aFailureMidStreamIsAnExceptionFrameOfTheOriginalKind() {
        List<EventStreamMessage> frames = InvokeFrames.stream(FAMILY, ConverseStreamEncoderTest.failingAfter(
                List.of(new StreamEvent.MessageStart("id", "m")), QuarryException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "The upstream is down.")));

        assertThat(frames.getLast().text(EventStreamMessage.EXCEPTION_TYPE)).contains("serviceUnavailableException");
        assertThat(frames.getLast().payloadText()).isEqualTo("{\"message\":\"The upstream is down.\"}");
    }

    private static ChatRequest decode(String json, boolean streaming) {
        return FAMILY.decode(InvokeFrames.MODEL, InvokeFrames.body(json), streaming);
    }

    private static void assertRefused(String json, boolean streaming, String message) {
        assertThatThrownBy(() -> decode(json, streaming)).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
