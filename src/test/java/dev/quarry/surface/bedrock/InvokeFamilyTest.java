package dev.quarry.surface.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import org.junit.jupiter.api.Test;

class InvokeFamilyTest {

    @Test
    void theBodysShapePicksTheFamily() {
        assertThat(family("{\"anthropic_version\": \"bedrock-2023-05-31\", \"messages\": []}")).isInstanceOf(AnthropicInvoke.class);
        assertThat(family("{\"prompt\": \"Hi\", \"max_gen_len\": 10}")).isInstanceOf(LlamaInvoke.class);
        assertThat(family("{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 10}")).isInstanceOf(OpenAiInvoke.class);
        assertThat(family("{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"Hi\"}]}]}"))
                .isInstanceOf(OpenAiInvoke.class);
        assertThat(family("{\"messages\": [{\"role\": \"user\", \"content\": [{\"text\": \"Hi\"}]}]}")).isInstanceOf(NovaInvoke.class);
        assertThat(family("{\"schemaVersion\": \"messages-v1\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}"))
                .isInstanceOf(NovaInvoke.class);
    }

    @Test
    void aBodyOfNoKnownFamilyIsAValidationErrorNamingTheFamilies() {
        assertThatThrownBy(() -> family("{\"inputText\": \"Hi\", \"textGenerationConfig\": {}}"))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
                    assertThat(BedrockErrors.of(e.error()).name()).isEqualTo("ValidationException");
                    assertThat(e.getMessage()).contains("anthropic_version", "Chat Completions", "Llama", "Nova", "Converse");
                });
    }

    @Test
    void theInvocationKeepsTheFamilyItWasDecodedIn() {
        Invocation call = Invocation.decode("quarry/echo", InvokeFrames.body("{\"prompt\": \"Hi\"}"), true);

        assertThat(call.family()).isInstanceOf(LlamaInvoke.class);
        assertThat(call.request().model()).isEqualTo("quarry/echo");
    }

    private static InvokeFamily family(String json) {
        return InvokeFamily.of(InvokeFrames.body(json));
    }
}
