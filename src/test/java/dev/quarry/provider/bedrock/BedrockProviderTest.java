package dev.quarry.provider.bedrock;

import static dev.quarry.provider.UpstreamScript.answer;
import static dev.quarry.provider.UpstreamScript.reasoning;
import static dev.quarry.provider.UpstreamScript.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.provider.ScriptedProviderContractTest;
import dev.quarry.provider.ScriptedStub;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Bedrock provider against a stub of bedrock-runtime that checks SigV4 signatures and streams event-stream frames. */
class BedrockProviderTest extends ScriptedProviderContractTest {
    private static final String CLAUDE = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    private BedrockStub stub;
    private Provider provider;

    @BeforeEach
    void startStub() {
        stub = new BedrockStub();
        provider = new BedrockProvider(settings(stub.baseUrl(), null, Map.of("region", "us-east-1")), BedrockStub.credentials()::get);
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    private static ProviderSettings settings(URI baseUrl, String apiKey, Map<String, String> options) {
        return new ProviderSettings("aws", "bedrock", baseUrl, apiKey, null, Duration.ofSeconds(10), options);
    }

    @Override
    protected ScriptedStub stub() {
        return stub;
    }

    @Override
    protected Provider provider() {
        return provider;
    }

    @Test
    void callsAreSignedForBedrockInTheRegionAndSentToTheModelsConverseStream() {
        answerWithText("Hi.");

        List<StreamEvent> events = events(new ProviderCall(ChatRequest.of(MODEL, List.of(Message.user("Hello."))), CLAUDE, true));

        assertThat(stub.lastRequest().path()).isEqualTo("/model/" + CLAUDE + "/converse-stream");
        assertThat(stub.lastSignature().accessKeyId()).isEqualTo(BedrockStub.ACCESS_KEY_ID);
        assertThat(stub.lastSignature().scope().region()).isEqualTo("us-east-1");
        assertThat(stub.lastSignature().scope().service()).isEqualTo("bedrock");
        assertThat(stub.lastRequest().headers().get("Host")).as("one Host header, the signed one").hasSize(1);
        assertThat(events.getFirst()).isEqualTo(new StreamEvent.MessageStart(BedrockStub.REQUEST_ID, CLAUDE));
        assertThat(stub.lastBody().toString()).isEqualTo("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello.\"}]}]}");
    }

    @Test
    void aQueryInTheBaseUrlIsSentAndSigned() {
        Provider proxied = new BedrockProvider(settings(URI.create(stub.baseUrl() + "?tenant=team%20a&route=eu"), null,
                Map.of("region", "us-east-1")), BedrockStub.credentials()::get);
        answerWithText("Hi.");

        var answer = Fold.of(proxied.stream(new ProviderCall(ChatRequest.of(MODEL, List.of(Message.user("Hello."))), CLAUDE, true)));

        assertThat(answer.text()).isEqualTo("Hi.");
        assertThat(stub.lastRequest().query().split("&")).containsExactlyInAnyOrder("tenant=team%20a", "route=eu");
        assertThat(stub.lastSignature().accessKeyId()).isEqualTo(BedrockStub.ACCESS_KEY_ID);
    }

    @Test
    void temporaryCredentialsSendTheirSessionTokenSigned() {
        Map<String, String> env = new HashMap<>(BedrockStub.credentials());
        env.put("AWS_SESSION_TOKEN", "session-token-stub");
        Provider temporary = new BedrockProvider(settings(stub.baseUrl(), null, Map.of("region", "eu-west-1")), env::get);
        answerWithText("Hi.");

        Fold.of(temporary.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))));

        assertThat(stub.lastRequest().header("X-Amz-Security-Token")).isEqualTo("session-token-stub");
        assertThat(stub.lastSignature().signedHeaders()).contains("host", "x-amz-date", "x-amz-security-token");
        assertThat(stub.lastSignature().scope().region()).isEqualTo("eu-west-1");
    }

    @Test
    void credentialsAreReadFromTheVariablesTheOptionsName() {
        Map<String, String> env = Map.of("TEAM_KEY_ID", BedrockStub.ACCESS_KEY_ID, "TEAM_SECRET", BedrockStub.SECRET);
        Provider named = new BedrockProvider(settings(stub.baseUrl(), null,
                Map.of("region", "us-east-1", "access_key_id_env", "TEAM_KEY_ID", "secret_access_key_env", "TEAM_SECRET")), env::get);
        answerWithText("Hi.");

        assertThat(Fold.of(named.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))))).extracting(ChatResponse::text).isEqualTo("Hi.");
    }

    @Test
    void aWrongSecretIsRefusedByTheSignatureCheckAndBlamedOnTheProvider() {
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", BedrockStub.ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY", "wrong");
        Provider wrong = new BedrockProvider(settings(stub.baseUrl(), null, Map.of("region", "us-east-1")), env::get);

        assertThatThrownBy(() -> wrong.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                    assertThat(e.getMessage()).contains("credentials", "aws", "signature");
                });
    }

    @Test
    void aBedrockApiKeyIsSentAsABearerTokenInsteadOfSigning() {
        Provider keyed = new BedrockProvider(settings(stub.baseUrl(), "bedrock-api-key", Map.of("region", "us-east-1")), Map.<String, String>of()::get);
        answerWithText("Hi.");

        Fold.of(keyed.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))));

        assertThat(stub.lastRequest().header("Authorization")).isEqualTo("Bearer bedrock-api-key");
        assertThat(stub.lastRequest().header("X-Amz-Date")).isNull();
    }

    @Test
    void signedReasoningArrivesAsAReasoningBlockWithItsSignature() {
        stub.then(answer(reasoning("The user greets me.", "sig-bedrock"), text("Hello!")));

        List<StreamEvent> events = events(ChatRequest.of(MODEL, List.of(Message.user("Hi."))));

        StreamRules.assertWellFormed(events);
        assertThat(Fold.of(EventStream.of(events)).content()).containsExactly(
                new ContentBlock.Reasoning("The user greets me.", "sig-bedrock"), new ContentBlock.Text("Hello!"));
    }

    @Test
    void anArnIsRefusedBeforeAnythingIsSent() {
        String arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";

        assertThatThrownBy(() -> provider.stream(new ProviderCall(ChatRequest.of(MODEL, List.of(Message.user("Hi."))), arn, true)))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.getMessage()).contains("inference profile id"));
    }

    @Test
    void withoutABaseUrlTheRegionsEndpointIsCalled() {
        BedrockProvider regional = new BedrockProvider(settings(URI.create(BedrockProvider.REGIONAL_BASE_URL), null,
                Map.of("region", "ap-southeast-2")), BedrockStub.credentials()::get);

        assertThat(regional).extracting("host").isEqualTo("bedrock-runtime.ap-southeast-2.amazonaws.com");
    }

    @Test
    void aProviderWithoutRegionOrWithKeyOptionsNamingEmptyVariablesIsRefusedNamingWhatToSet() {
        assertThatThrownBy(() -> new BedrockProvider(settings(stub.baseUrl(), null, Map.of()), BedrockStub.credentials()::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("region").hasMessageContaining("AWS_REGION");
        // Without key options a provider falls back on the AWS SDK's chain (see AwsCredentialChainTest); with them it needs their keys.
        assertThatThrownBy(() -> new BedrockProvider(settings(stub.baseUrl(), null, Map.of("region", "us-east-1", "session_token_env", "TEAM_TOKEN")),
                Map.<String, String>of()::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AWS_ACCESS_KEY_ID").hasMessageContaining("AWS_SECRET_ACCESS_KEY");
    }

    private List<StreamEvent> events(ProviderCall call) {
        try (EventStream stream = provider.stream(call)) {
            List<StreamEvent> events = new ArrayList<>();
            stream.forEachRemaining(events::add);
            return events;
        }
    }
}
