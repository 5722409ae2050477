package dev.quarry.surface.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.surface.SseWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streamed chunks, text deltas included (written around a pre-serialized frame), are exactly OpenAI's JSON. */
class ChatCompletionsEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void textDeltasAreEscapedExactlyAsJsonAndKeepTheChunkShape() throws Exception {
        String hostile = "quote \" backslash \\ newline \n tab \t nul \u0000 emoji \uD83D\uDE00 é {\"content\":\"\"}";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ChatCompletionsEncoder("chatcmpl-1", "gpt \"5\"", 7).stream(EventStream.of(List.of(
                new StreamEvent.MessageStart("m", "up"), new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, hostile), new StreamEvent.TextDelta(0, ""), new StreamEvent.BlockStop(0),
                new StreamEvent.MessageStop(StopReason.END_TURN))), new SseWriter(bytes), true);

        List<JsonNode> chunks = new ArrayList<>();
        for (String frame : bytes.toString(StandardCharsets.UTF_8).split("\n\n")) {
            String data = frame.substring("data: ".length());
            if (!data.equals("[DONE]")) chunks.add(JSON.readTree(data));
        }
        JsonNode text = chunks.get(1);
        assertThat(text.path("choices").get(0).path("delta").path("content").asText()).isEqualTo(hostile);
        assertThat(text.path("model").asText()).isEqualTo("gpt \"5\"");
        assertThat(JSON.writeValueAsString(text)).isEqualTo("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":7,"
                + "\"model\":\"gpt \\\"5\\\"\",\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                + JSON.writeValueAsString(hostile) + "},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}");
        assertThat(chunks.get(2).path("choices").get(0).path("delta").path("content").asText()).isEmpty();
    }
}
