package dev.quarry.provider.gemini.internal;

import static dev.quarry.provider.wire.RecordedBody.drain;
import static dev.quarry.provider.wire.RecordedBody.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.Usage;
import dev.quarry.provider.ProviderContractTest.StreamRules;
import dev.quarry.provider.wire.Json;
import dev.quarry.provider.wire.RecordedBody;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerateContentStreamDecoderTest {
    private static final String USAGE = "{\"promptTokenCount\":1200,\"cachedContentTokenCount\":1000,\"candidatesTokenCount\":40,"
            + "\"thoughtsTokenCount\":60,\"toolUsePromptTokenCount\":10,\"totalTokenCount\":1310}";

    private static String chunk(String parts, String finishReason, String usage) {
        return sse(null, "{\"candidates\":[{\"content\":{\"parts\":" + parts + ",\"role\":\"model\"}"
                + (finishReason == null ? "" : ",\"finishReason\":\"" + finishReason + "\"") + ",\"index\":0}],"
                + "\"usageMetadata\":" + (usage == null ? "{\"promptTokenCount\":1200,\"totalTokenCount\":1200}" : usage)
                + ",\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r1\"}");
    }

    private static List<StreamEvent> decode(String... chunks) {
        return drain(new GenerateContentStreamDecoder(RecordedBody.of(String.join("", chunks))));
    }

    @Test
    void textPartsFormOneTextBlockAndTheStopWaitsForTheEndOfTheBody() {
        List<StreamEvent> events = decode(chunk("[{\"text\":\"Hel\"}]", null, null), chunk("[{\"text\":\"lo\"}]", "STOP", USAGE));

        assertThat(events).containsExactly(
                new StreamEvent.MessageStart("r1", "gemini-2.5-flash"),
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, "Hel"),
                new StreamEvent.TextDelta(0, "lo"),
                new StreamEvent.BlockStop(0),
                new StreamEvent.UsageReport(new Usage(210, 100, 1000, 0)),
                new StreamEvent.MessageStop(StopReason.END_TURN));
    }

    @Test
    void thoughtsFunctionCallsAndSignaturesBecomeReasoningAndToolUseBlocks() {
        List<StreamEvent> events = decode(
                chunk("[{\"text\":\"Weather, so \",\"thought\":true}]", null, null),
                chunk("[{\"text\":\"call it.\",\"thought\":true}]", null, null),
                chunk("[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}},\"thoughtSignature\":\"sig\"},"
                        + "{\"functionCall\":{\"name\":\"get_time\",\"args\":{}}}]", "STOP", USAGE));

        StreamRules.assertWellFormed(events);
        assertThat(events).containsSubsequence(
                new StreamEvent.BlockStart(0, new ContentBlock.Reasoning("", null)),
                new StreamEvent.ReasoningDelta(0, "Weather, so ", null),
                new StreamEvent.ReasoningDelta(0, "call it.", null),
                new StreamEvent.BlockStop(0),
                new StreamEvent.BlockStart(1, new ContentBlock.Reasoning("", null)),
                new StreamEvent.ReasoningDelta(1, "", "sig"),
                new StreamEvent.BlockStop(1),
                new StreamEvent.BlockStart(2, new ContentBlock.ToolUse("call_r1_0", "get_weather", "", ToolKind.FUNCTION)),
                new StreamEvent.ToolInputDelta(2, "{\"city\":\"Paris\"}"),
                new StreamEvent.BlockStop(2),
                new StreamEvent.BlockStart(3, new ContentBlock.ToolUse("call_r1_1", "get_time", "", ToolKind.FUNCTION)),
                new StreamEvent.ToolInputDelta(3, "{}"),
                new StreamEvent.MessageStop(StopReason.TOOL_USE));
    }

    @Test
    void finishReasonsMapToStopReasons() {
        assertThat(stopOf("MAX_TOKENS")).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(stopOf("SAFETY")).isEqualTo(StopReason.CONTENT_FILTERED);
        assertThat(stopOf("RECITATION")).isEqualTo(StopReason.CONTENT_FILTERED);
        assertThat(stopOf("OTHER")).isEqualTo(StopReason.END_TURN);
    }

    @Test
    void aMalformedFunctionCallIsAnUpstreamError() {
        assertThatThrownBy(() -> decode(chunk("[]", "MALFORMED_FUNCTION_CALL", USAGE)))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR));
    }

    @Test
    void aBlockedPromptIsContentFiltered() {
        assertThatThrownBy(() -> decode(sse(null, "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"usageMetadata\":{\"promptTokenCount\":8}}")))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONTENT_FILTERED);
                    assertThat(e.getMessage()).contains("SAFETY");
                });
    }

    @Test
    void anErrorStreamedInPlaceOfAChunkIsThrownAsItsKind() {
        assertThatThrownBy(() -> decode(sse(null, "{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}")))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE));
    }

    @Test
    void aBodyThatEndsWithoutAFinishReasonIsIncomplete() {
        assertThatThrownBy(() -> decode(chunk("[{\"text\":\"Hel\"}]", null, null)))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.getMessage()).contains("ended before the answer was complete"));
    }

    @Test
    void usageCountsCachedTokensApartAndThinkingAsOutput() {
        assertThat(GenerateContentStreamDecoder.usage(Json.parse(USAGE).orElseThrow())).isEqualTo(new Usage(210, 100, 1000, 0));
    }

    private static StopReason stopOf(String finishReason) {
        List<StreamEvent> events = decode(chunk("[{\"text\":\"x\"}]", finishReason, USAGE));
        return ((StreamEvent.MessageStop) events.getLast()).reason();
    }
}
