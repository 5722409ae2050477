package dev.quarry.provider.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.EmbeddingRequest;
import dev.quarry.canonical.EmbeddingResponse;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingsCodecTest {
    private static final EmbeddingRequest TWO_TEXTS = new EmbeddingRequest("embed-small", List.of("first", "second"), null);

    @Test
    void theRequestAsksForFloatsAndOnlyGivenDimensions() {
        assertThat(EmbeddingsCodec.encode(TWO_TEXTS, "text-embedding-3-small").toString())
                .isEqualTo("{\"model\":\"text-embedding-3-small\",\"input\":[\"first\",\"second\"],\"encoding_format\":\"float\"}");
    }

    @Test
    void vectorsArePutInInputOrder() {
        String answer = """
                {"object":"list","data":[
                  {"object":"embedding","index":1,"embedding":[0.5,-0.25]},
                  {"object":"embedding","index":0,"embedding":[1.0,0.0]}],
                 "model":"text-embedding-3-small","usage":{"prompt_tokens":4,"total_tokens":4}}""";

        EmbeddingResponse response = EmbeddingsCodec.decode("p", TWO_TEXTS, answer.getBytes(StandardCharsets.UTF_8));

        assertThat(response.vectors()).containsExactly(new float[] {1.0f, 0.0f}, new float[] {0.5f, -0.25f});
        assertThat(response.inputTokens()).isEqualTo(4);
    }

    @Test
    void anAnswerMissingAVectorIsTheUpstreamsError() {
        String answer = "{\"data\":[{\"index\":0,\"embedding\":[1.0]}],\"usage\":{\"prompt_tokens\":4}}";

        assertThatThrownBy(() -> EmbeddingsCodec.decode("p", TWO_TEXTS, answer.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                    assertThat(e.getMessage()).contains("fewer vectors");
                });
    }
}
