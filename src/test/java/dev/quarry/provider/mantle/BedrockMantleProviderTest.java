package dev.quarry.provider.mantle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.aws.SigV4Authorization;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.Usage;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import dev.quarry.provider.ProviderContractTest;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.provider.UpstreamScript;
import dev.quarry.provider.aws.AwsEndpoint;
import dev.quarry.provider.openai.OpenAiStub;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bedrock-mantle provider against a stub of Bedrock's OpenAI-compatible endpoint that speaks
 * OpenAI's Responses and Chat Completions streams and refuses any call not signed with SigV4 for
 * {@code bedrock-mantle} over its exact body (or carrying the Bedrock API key). The contract kit's
 * calls all go through that check.
 */
class BedrockMantleProviderTest extends ProviderContractTest {
    static final String KEY_ID = "AKIDMANTLESTUB";
    static final String SECRET = "mantle/stub+secret";
    private static final String GPT = "openai.gpt-5.5";
    private static final Map<String, String> ENV = Map.of("AWS_ACCESS_KEY_ID", KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET);

    private MantleSignatures signatures;
    private OpenAiStub stub;
    private Provider provider;

    @BeforeEach
    void startStub() {
        signatures = new MantleSignatures(Map.of(KEY_ID, SECRET), "bedrock-api-key-stub");
        stub = OpenAiStub.start(signatures);
        provider = BedrockMantle.provider(settings(stub.baseUrl(), null, Map.of("region", "us-east-2")), ENV::get);
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    static ProviderSettings settings(URI baseUrl, String apiKey, Map<String, String> options) {
        return new ProviderSettings("mantle", "bedrock-mantle", baseUrl, apiKey, null, Duration.ofSeconds(10), options);
    }

    @Override
    protected Provider provider() {
        return provider;
    }

    @Override
    protected void script(UpstreamScript script) {
        stub.then(script);
    }

    @Override
    protected void answerWithCustomToolCall(String id, String name, String input) {
        stub.then(OpenAiStub.answer(OpenAiStub.customToolCall(id, name, input)));
    }

    @Override
    protected boolean customToolsTravelAsFunctions() {
        return false;
    }

    @Override
    protected int framesBeforeHangUp() {
        return 4;
    }

    @Override
    protected Usage scriptedUsage() {
        return OpenAiStub.USAGE;
    }

    @Override
    protected String lastRequestBody() {
        return stub.lastRequest().body().toString();
    }

    @Test
    void callsGoToTheResponsesApiSignedForBedrockMantleInTheRegion() {
        stub.then(OpenAiStub.answer(OpenAiStub.text("Hi.")));

        var answer = Fold.of(provider.stream(new ProviderCall(ChatRequest.of(MODEL, List.of(Message.user("Hello."))), GPT, true)));

        assertThat(answer.text()).isEqualTo("Hi.");
        OpenAiStub.Request sent = stub.lastRequest();
        assertThat(sent.path()).isEqualTo("/v1/responses");
        assertThat(sent.body().path("model").asText()).isEqualTo(GPT);
        assertThat(sent.headers().get("Host")).as("one Host header, the signed one").hasSize(1);
        SigV4Authorization signature = signatures.verified().getLast();
        assertThat(signature.accessKeyId()).isEqualTo(KEY_ID);
        assertThat(signature.scope().service()).isEqualTo("bedrock-mantle");
        assertThat(signature.scope().region()).isEqualTo("us-east-2");
        assertThat(signature.signedHeaders()).contains("host", "x-amz-date");
    }

    @Test
    void theChatCompletionsApiIsCalledWhenChosenAndSignedTheSameWay() {
        Provider chat = BedrockMantle.provider(settings(stub.baseUrl(), null, Map.of("region", "us-east-2", "api", "chat_completions")), ENV::get);
        stub.then(OpenAiStub.answer(OpenAiStub.text("Hello from chat.")));

        var answer = Fold.of(chat.stream(new ProviderCall(ChatRequest.of(MODEL, List.of(Message.user("Hello."))), "openai.gpt-oss-120b", true)));

        assertThat(answer.text()).isEqualTo("Hello from chat.");
        assertThat(stub.lastRequest().path()).isEqualTo("/v1/chat/completions");
        assertThat(stub.lastRequest().body().path("stream").asBoolean()).isTrue();
        assertThat(signatures.verified()).hasSize(1);
    }

    @Test
    void temporaryCredentialsSendTheirSessionTokenSigned() {
        Map<String, String> env = new HashMap<>(ENV);
        env.put("AWS_SESSION_TOKEN", "session-token-stub");
        Provider temporary = BedrockMantle.provider(settings(stub.baseUrl(), null, Map.of("region", "us-east-2")), env::get);
        stub.then(OpenAiStub.answer(OpenAiStub.text("Hi.")));

        Fold.of(temporary.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))));

        assertThat(stub.lastRequest().header("X-Amz-Security-Token")).isEqualTo("session-token-stub");
        assertThat(signatures.verified().getLast().signedHeaders()).contains("x-amz-security-token");
    }

    @Test
    void aQueryInTheBaseUrlIsSentAndSigned() {
        // A proxy in front of the endpoint may want one; the client sends it, so the signature must cover it.
        URI withQuery = URI.create(stub.baseUrl() + "?tenant=team%20a&route=eu");
        Provider proxied = BedrockMantle.provider(settings(withQuery, null, Map.of("region", "us-east-2")), ENV::get);
        stub.then(OpenAiStub.answer(OpenAiStub.text("Hi.")));

        var answer = Fold.of(proxied.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))));

        assertThat(answer.text()).isEqualTo("Hi.");
        assertThat(stub.lastRequest().path()).isEqualTo("/v1/responses");
        assertThat(signatures.verified()).hasSize(1);
    }

    @Test
    void aBedrockApiKeyIsSentAsABearerTokenInsteadOfSigning() {
        Provider keyed = BedrockMantle.provider(settings(stub.baseUrl(), "bedrock-api-key-stub", Map.of("region", "us-east-2")), ENV::get);
        stub.then(OpenAiStub.answer(OpenAiStub.text("Hi.")));

        Fold.of(keyed.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))));

        assertThat(stub.lastRequest().header("Authorization")).isEqualTo("Bearer bedrock-api-key-stub");
        assertThat(signatures.verified()).isEmpty();
    }

    @Test
    void aSignatureTheEndpointRefusesIsReportedAsTheUpstreamRejectingQuarrysCredentials() {
        Provider wrong = BedrockMantle.provider(settings(stub.baseUrl(), null, Map.of("region", "us-east-2")),
                Map.of("AWS_ACCESS_KEY_ID", KEY_ID, "AWS_SECRET_ACCESS_KEY", "not-the-secret")::get);

        assertThatThrownBy(() -> wrong.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                    assertThat(e.getMessage()).contains("rejected Quarry's credentials");
                });
        assertThat(signatures.verified()).isEmpty();
    }

    @Test
    void withoutABaseUrlTheRegionsOpenAiPathIsCalled() {
        AwsEndpoint endpoint = AwsEndpoint.of(settings(URI.create(BedrockMantle.REGIONAL_BASE_URL), null, Map.of("region", "eu-west-1")),
                Map.<String, String>of()::get, BedrockMantle.REGIONAL_BASE_URL);

        assertThat(endpoint.baseUrl()).isEqualTo(URI.create("https://bedrock-mantle.eu-west-1.api.aws/openai/v1"));
        assertThat(endpoint.host()).isEqualTo("bedrock-mantle.eu-west-1.api.aws");
        assertThat(endpoint.basePath()).isEqualTo("/openai/v1");
    }

    @Test
    void aProviderWithoutARegionOrWithAnUnknownOneIsRefused() {
        assertThatThrownBy(() -> BedrockMantle.provider(settings(stub.baseUrl(), null, Map.of()), ENV::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("region").hasMessageContaining("AWS_REGION");
        assertThatThrownBy(() -> BedrockMantle.provider(settings(URI.create(BedrockMantle.REGIONAL_BASE_URL), null,
                Map.of("region", "evil.example.com/x")), ENV::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an AWS region");
        assertThatThrownBy(() -> BedrockMantle.provider(settings(URI.create(BedrockMantle.REGIONAL_BASE_URL), null,
                Map.of("region", "us-east-1.evil.example.com")), ENV::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an AWS region");
    }

    @Test
    void aRegionOutsideTheCommercialListIsCalledAsItIsNamed() {
        AwsEndpoint endpoint = AwsEndpoint.of(settings(URI.create(BedrockMantle.REGIONAL_BASE_URL), null, Map.of("region", "us-iso-east-1")),
                Map.<String, String>of()::get, BedrockMantle.REGIONAL_BASE_URL);
        assertThat(endpoint.host()).isEqualTo("bedrock-mantle.us-iso-east-1.api.aws");
    }

    @Test
    void keyOptionsNamingEmptyVariablesAreRefusedAtStartUp() {
        assertThatThrownBy(() -> BedrockMantle.provider(settings(stub.baseUrl(), null,
                Map.of("region", "us-east-2", "access_key_id_env", "TEAM_KEY_ID", "secret_access_key_env", "TEAM_SECRET")), ENV::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TEAM_KEY_ID").hasMessageContaining("TEAM_SECRET");
    }
}
