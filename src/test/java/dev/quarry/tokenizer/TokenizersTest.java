package dev.quarry.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolSpec;
import dev.quarry.canonical.Tokenizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The encodings against token ids OpenAI publishes (tiktoken's README and the cookbook's "How to
 * count tokens with tiktoken"), the choice by family and model, and the chat framing.
 */
class TokenizersTest {
    private static final Tokenizer O200K = Tokenizers.forModel("gpt", "gpt-5.5");
    private static final Tokenizer CL100K = Tokenizers.forModel("gpt", "gpt-4-turbo");

    private static List<Integer> ids(Tokenizer tokenizer, String text) {
        return ((BpeTokenizer) tokenizer).encoding().encodeOrdinary(text).boxed();
    }

    @Test
    void theEncodingsGiveThePublishedTokens() {
        assertThat(ids(CL100K, "hello world")).containsExactly(15339, 1917);
        assertThat(ids(CL100K, "tiktoken is great!")).containsExactly(83, 1609, 5963, 374, 2294, 0);
        assertThat(ids(CL100K, "China is great!")).containsExactly(23078, 374, 2294, 0);
        assertThat(ids(O200K, "hello world")).containsExactly(24912, 2375);
        assertThat(ids(O200K, "tiktoken is great!")).containsExactly(83, 8251, 2488, 382, 2212, 0);
        assertThat(O200K.count("hello world")).isEqualTo(2);
        assertThat(CL100K.count("tiktoken is great!")).isEqualTo(6);
    }

    @Test
    void theFamilyAndModelChooseTheEncoding() {
        assertThat(O200K.name()).isEqualTo("o200k_base");
        assertThat(CL100K.name()).isEqualTo("cl100k_base");
        for (String id : List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.5-preview", "gpt-5.6-sol", "o3", "o4-mini", "gpt-oss-120b")) {
            assertThat(Tokenizers.forModel("gpt", id).name()).as(id).isEqualTo("o200k_base");
        }
        for (String id : List.of("gpt-4", "gpt-4-0613", "gpt-4-32k", "gpt-3.5-turbo", "text-embedding-3-small")) {
            assertThat(Tokenizers.forModel("gpt", id).name()).as(id).isEqualTo("cl100k_base");
        }
        for (String family : List.of("claude", "gemini", "llama", "mistral", "nova", "quarry", "custom")) {
            assertThat(Tokenizers.forModel(family, "gpt-5.5")).as(family).isSameAs(Tokenizer.ESTIMATE);
        }
    }

    @Test
    void aChatIsFramedAsOpenAiCountsIt() {
        ChatRequest request = new ChatRequest("gpt-5.5", List.of(new ContentBlock.Text("You are terse.")),
                List.of(new Message(Role.USER, List.of(new ContentBlock.Text("hello world")))), List.of(), ToolChoice.AUTO,
                InferenceConfig.DEFAULTS, Map.of());
        // <|start|>system<|message|>You are terse.<|end|> <|start|>user<|message|>hello world<|end|> <|start|>assistant<|message|>
        assertThat(TokenEstimate.of(request, O200K)).isEqualTo(3 + O200K.count("You are terse.") + 3 + 2 + 3);
        assertThat(O200K.count("You are terse.")).isEqualTo(4);
    }

    @Test
    void toolsCountTheirSerializedTextAndImagesKeepTheirEstimate() {
        String schema = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}";
        ChatRequest bare = ChatRequest.of("gpt-5.5", List.of(new Message(Role.USER, List.of(new ContentBlock.Text("hi")))));
        ChatRequest tooled = new ChatRequest("gpt-5.5", List.of(), bare.messages(),
                List.of(ToolSpec.function("weather", "Weather for a city.", schema)), ToolChoice.AUTO, InferenceConfig.DEFAULTS, Map.of());
        assertThat(TokenEstimate.of(tooled, O200K) - TokenEstimate.of(bare, O200K))
                .isEqualTo(O200K.count("weather") + O200K.count("Weather for a city.") + O200K.count(schema));

        ContentBlock image = new ContentBlock.Image("https://example.com/cat.png");
        ChatRequest withImage = ChatRequest.of("gpt-5.5", List.of(new Message(Role.USER, List.of(new ContentBlock.Text("hi"), image))));
        ChatRequest imageOnly = ChatRequest.of("m", List.of(new Message(Role.USER, List.of(image))));
        assertThat(TokenEstimate.of(withImage, O200K) - TokenEstimate.of(bare, O200K))
                .isEqualTo(TokenEstimate.of(imageOnly) - Tokenizer.ESTIMATE.perMessage());
    }
}
