package dev.quarry.surface.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConverseEncoderTest {

    @Test
    void anAnswerIsTheConverseResponseShape() throws Exception {
        var response = new ChatResponse("id", "m", List.of(
                new ContentBlock.Reasoning("Thinking.", "sig"),
                new ContentBlock.Text("Calling."),
                new ContentBlock.ToolUse("t1", "zoom", "{\"factor\":2}", ToolKind.FUNCTION)), StopReason.TOOL_USE, new Usage(10, 5, 100, 20));

        JsonNode body = Json.MAPPER.readTree(ConverseEncoder.encode(response, 42));

        assertThat(body).isEqualTo(Json.MAPPER.readTree("""
                {"output": {"message": {"role": "assistant", "content": [
                   {"reasoningContent": {"reasoningText": {"text": "Thinking.", "signature": "sig"}}},
                   {"text": "Calling."},
                   {"toolUse": {"toolUseId": "t1", "name": "zoom", "input": {"factor": 2}}}]}},
                 "stopReason": "tool_use",
                 "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 135, "cacheReadInputTokens": 100, "cacheWriteInputTokens": 20},
                 "metrics": {"latencyMs": 42}}
                """));
    }

    @Test
    void aToolCalledWithNoInputGetsTheEmptyObject() throws Exception {
        var response = new ChatResponse("id", "m", List.of(new ContentBlock.ToolUse("t1", "now", "", ToolKind.FUNCTION)),
                StopReason.TOOL_USE, Usage.ZERO);

        assertThat(Json.MAPPER.readTree(ConverseEncoder.encode(response, 0)).at("/output/message/content/0/toolUse/input").isObject()).isTrue();
    }

    @Test
    void everyStopReasonHasItsConverseName() {
        assertThat(List.of(StopReason.values())).extracting(ConverseEncoder::stopReason)
                .containsExactly("end_turn", "tool_use", "max_tokens", "stop_sequence", "content_filtered", "guardrail_intervened");
    }
}
