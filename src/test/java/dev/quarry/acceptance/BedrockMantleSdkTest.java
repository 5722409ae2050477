package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.testing.SigV4Interceptor;
import dev.quarry.testing.TestQuarry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK pointed at Quarry's {@code /openai/v1} as at Amazon Bedrock's
 * OpenAI-compatible endpoint: with an OkHttp interceptor that signs each call with the AWS SDK's
 * SigV4 signer for the service {@code bedrock-mantle}, using a Quarry access key pair; and with a
 * Quarry key as a bearer token, as a Bedrock API key is sent. The model goes by its Bedrock id.
 */
class BedrockMantleSdkTest {
    private static final String PASSAGE = "Hello, Mantle";
    /** Bedrock's id for the model, served here by the offline echo model. */
    private static final String GPT = "openai.gpt-5.5";
    static TestQuarry quarry;
    static IssuedKey key;
    static OpenAIClient signed;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start("""
                models: [{ id: "%s", deployments: [{ provider: quarry-echo, model: echo }] }]
                """.formatted(GPT), Map.of());
        key = quarry.quarry().identities().createKey("mantle-user", PrincipalKind.USER);
        signed = signedClient("bedrock-mantle");
    }

    @AfterAll
    static void stop() {
        signed.close();
        quarry.close();
    }

    /** The SDK's own bearer key is a placeholder: the interceptor replaces it with the signature. */
    private static OpenAIClient signedClient(String service) {
        return OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/openai/v1").apiKey("replaced-by-the-signature")
                .addInterceptor(new SigV4Interceptor(key.accessKeyId(), key.secretAccessKey(), "us-east-2", service))
                .maxRetries(0).build();
    }

    @Test
    void aSignedResponsesCallIsAnsweredAndLedgeredForTheKeysPrincipal() {
        Response response = signed.responses().create(ResponseCreateParams.builder().model(GPT).input(PASSAGE).build());

        String text = response.output().getFirst().asMessage().content().getFirst().asOutputText().text();
        assertThat(text).isEqualTo("You said: " + PASSAGE);
        assertThat(response.usage().orElseThrow().outputTokens()).isPositive();
        assertThat(quarry.ledgerFor("mantle-user", 10)).anySatisfy(r -> assertThat(r.surface()).isEqualTo("openai.responses"));
    }

    @Test
    void aSignedResponsesStreamArrivesEventByEvent() {
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = signed.responses().createStreaming(
                ResponseCreateParams.builder().model(GPT).input(PASSAGE).build())) {
            stream.stream().forEach(events::add);
        }

        assertThat(events.getFirst().isCreated()).isTrue();
        assertThat(events.getLast().isCompleted()).isTrue();
        String text = events.stream().filter(ResponseStreamEvent::isOutputTextDelta).map(e -> e.asOutputTextDelta().delta())
                .collect(Collectors.joining());
        assertThat(text).isEqualTo("You said: " + PASSAGE);
    }

    @Test
    void signedChatCompletionsAnswerWholeAndStreamed() {
        var params = ChatCompletionCreateParams.builder().model(GPT).addUserMessage(PASSAGE).build();
        ChatCompletion whole = signed.chat().completions().create(params);
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = signed.chat().completions().createStreaming(params)) {
            stream.stream().flatMap(chunk -> chunk.choices().stream()).forEach(c -> c.delta().content().ifPresent(streamed::append));
        }

        assertThat(whole.choices().getFirst().message().content()).hasValue("You said: " + PASSAGE);
        assertThat(streamed.toString()).isEqualTo("You said: " + PASSAGE);
    }

    @Test
    void theSignedModelListShowsTheModelsTheCallerMayInvoke() {
        List<String> ids = signed.models().list().data().stream().map(Model::id).toList();

        assertThat(ids).contains(GPT, "quarry/echo");
        assertThat(signed.models().retrieve(GPT).id()).isEqualTo(GPT);
    }

    @Test
    void aQuarryKeyAsABearerTokenWorksThereToo() {
        OpenAIClient bearer = OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/openai/v1").apiKey(key.apiKey()).maxRetries(0).build();
        try {
            Response response = bearer.responses().create(ResponseCreateParams.builder().model(GPT).input(PASSAGE).build());

            assertThat(response.output().getFirst().asMessage().content().getFirst().asOutputText().text()).isEqualTo("You said: " + PASSAGE);
        } finally {
            bearer.close();
        }
    }

    @Test
    void aSignatureForBedrockRuntimeIsRefusedInOpenAisShape() {
        OpenAIClient bedrockSigned = signedClient("bedrock");
        try {
            UnauthorizedException refused = catchThrowableOfType(UnauthorizedException.class,
                    () -> bedrockSigned.responses().create(ResponseCreateParams.builder().model(GPT).input(PASSAGE).build()));

            assertThat(refused).as("refused as unauthenticated").isNotNull();
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.getMessage()).contains("bedrock-mantle");
        } finally {
            bedrockSigned.close();
        }
    }
}
