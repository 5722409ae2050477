package dev.quarry.provider.openai;

import static dev.quarry.provider.openai.OpenAiStub.answer;
import static dev.quarry.provider.openai.OpenAiStub.reasoning;
import static dev.quarry.provider.openai.OpenAiStub.text;
import static dev.quarry.provider.openai.OpenAiStub.toolCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.EmbeddingRequest;
import dev.quarry.canonical.EmbeddingResponse;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.ToolSpec;
import dev.quarry.provider.Provider;
import java.net.URI;
import java.time.Duration;
import dev.quarry.provider.wire.CustomToolFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The OpenAI provider on the Chat Completions API, against the stub; also embeddings and configuration. */
class OpenAiChatCompletionsProviderTest extends OpenAiProviderContractTest {
    @Override
    protected String api() {
        return "chat_completions";
    }

    @Test
    void callsStreamFromTheChatCompletionsPathWithUsageIncluded() {
        answerWithText("Hi.");

        Fold.of(provider.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))));

        OpenAiStub.Request request = stub.lastRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("Authorization")).isEqualTo("Bearer sk-test");
        assertThat(request.body().path("model").asText()).isEqualTo(MODEL);
        assertThat(request.body().path("stream").asBoolean()).isTrue();
        assertThat(request.body().path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void aBaseUrlEndingInASlashReachesTheSamePath() {
        Provider slashed = new OpenAiProvider(settings("openai", URI.create(stub.baseUrl() + "/"), "sk-test", "chat_completions"));
        answerWithText("Hi.");

        Fold.of(slashed.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))));

        assertThat(stub.lastRequest().path()).isEqualTo("/v1/chat/completions");
    }

    @Test
    void openAiIsAskedForMaxCompletionTokens() {
        answerWithText("Hi.");

        Fold.of(provider.stream(call(limitedTo(50))));

        assertThat(stub.lastRequest().body().path("max_completion_tokens").asInt()).isEqualTo(50);
        assertThat(stub.lastRequest().body().has("max_tokens")).isFalse();
    }

    @Test
    void aCompatibleServerWithoutAKeyGetsNoAuthorizationAndTheOlderMaxTokens() {
        Provider local = new OpenAiProvider(settings("openai-compatible", stub.baseUrl(), null, null));
        answerWithText("Hi.");

        Fold.of(local.stream(call(limitedTo(50))));

        OpenAiStub.Request request = stub.lastRequest();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("Authorization")).isNull();
        assertThat(request.body().path("max_tokens").asInt()).isEqualTo(50);
        assertThat(request.body().has("max_completion_tokens")).isFalse();
    }

    @Test
    void aFreeFormToolGoesUpstreamAsAFunctionTakingOneString() {
        answerWithText("Done.");

        Fold.of(provider.stream(call(CustomToolFixture.request(MODEL))));

        JsonNode tool = stub.lastRequest().body().path("tools").get(0);
        assertThat(tool.path("type").asText()).isEqualTo("function");
        assertThat(tool.path("function").path("parameters").path("required").toString()).isEqualTo("[\"input\"]");
    }

    @Test
    void reasoningDeltasBecomeAReasoningBlockBeforeTheText() {
        stub.then(answer(reasoning("The user greets me."), text("Hello!")));

        List<StreamEvent> events = events(ChatRequest.of(MODEL, List.of(Message.user("Hi."))));

        StreamRules.assertWellFormed(events);
        assertThat(Fold.of(EventStream.of(events)).content()).containsExactly(
                new ContentBlock.Reasoning("The user greets me.", null), new ContentBlock.Text("Hello!"));
    }

    @Test
    void parallelToolCallsBecomeOneBlockEach() {
        stub.then(answer(toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"), toolCall("call_2", "get_weather", "{\"city\":\"Rome\"}")));

        List<StreamEvent> events = events(withWeatherTool(List.of(Message.user("Paris and Rome?"))));

        StreamRules.assertWellFormed(events);
        ChatResponse answer = Fold.of(EventStream.of(events));
        assertThat(answer.toolUses()).extracting(ContentBlock.ToolUse::id, ContentBlock.ToolUse::input).containsExactly(
                tuple("call_1", "{\"city\":\"Paris\"}"),
                tuple("call_2", "{\"city\":\"Rome\"}"));
        assertThat(answer.stopReason()).isEqualTo(StopReason.TOOL_USE);
    }

    @Test
    void anErrorStreamedBeforeTheFirstChunkIsThrownAtTheCallWhileFallingBackIsStillPossible() {
        answerWithStreamedOverload();

        assertThatThrownBy(() -> provider.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE));
    }

    @Test
    void anUnknownModelIsNamedInTheError() {
        stub.then(OpenAiStub.failure(404, "invalid_request_error", "model_not_found", "The model does not exist."));

        assertThatThrownBy(() -> provider.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                    assertThat(e.getMessage()).contains("'" + MODEL + "'", "upstream");
                });
    }

    @Test
    void anUpstreamThatCannotBeReachedIsUnavailable() {
        URI closed = stub.baseUrl();
        stub.close();
        Provider unreachable = new OpenAiProvider(settings("openai", closed, "sk-test", "chat_completions"));

        assertThatThrownBy(() -> unreachable.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE));
    }

    private static ChatRequest limitedTo(int maxTokens) {
        return new ChatRequest(MODEL, List.of(), List.of(Message.user("Hello.")), List.of(), ToolChoice.AUTO,
                new InferenceConfig(maxTokens, null, null, List.of()), Map.of());
    }

    @Nested
    class Embeddings {
        @Test
        void vectorsComeBackInInputOrder() {
            stub.then(OpenAiStub.embeddings(new float[] {1f, 0f}, new float[] {0f, 1f}, new float[] {0.5f, 0.5f}));

            EmbeddingResponse response = provider.embed(new EmbeddingRequest("client-name", List.of("a", "b", "c"), null), "text-embedding-3-small");

            assertThat(response.vectors()).containsExactly(new float[] {1f, 0f}, new float[] {0f, 1f}, new float[] {0.5f, 0.5f});
            assertThat(response.inputTokens()).isEqualTo(OpenAiStub.EMBEDDING_TOKENS);
            assertThat(response.model()).isEqualTo("client-name");
        }

        @Test
        void theRequestNamesTheUpstreamModelAndAsksForFloats() {
            stub.then(OpenAiStub.embeddings(new float[] {1f}));

            provider.embed(new EmbeddingRequest("client-name", List.of("a"), 256), "text-embedding-3-small");

            OpenAiStub.Request request = stub.lastRequest();
            assertThat(request.path()).isEqualTo("/v1/embeddings");
            assertThat(request.header("Authorization")).isEqualTo("Bearer sk-test");
            assertThat(request.body().toString()).isEqualTo(
                    "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\"],\"encoding_format\":\"float\",\"dimensions\":256}");
        }

        @Test
        void upstreamErrorsAreMappedAsForChat() {
            stub.then(OpenAiStub.rateLimited(3));

            assertThatThrownBy(() -> provider.embed(new EmbeddingRequest("e", List.of("a"), null), "text-embedding-3-small"))
                    .isInstanceOfSatisfying(QuarryException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
                        assertThat(e.error().retryAfter()).isEqualTo(Duration.ofSeconds(3));
                    });
        }
    }

    @Nested
    class Configuration {
        @Test
        void anOpenAiProviderWithoutAKeyIsRefusedNamingWhatToSet() {
            assertThatThrownBy(() -> new OpenAiProvider(settings("openai", stub.baseUrl(), " ", null)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'upstream'")
                    .hasMessageContaining("api_key_env");
        }

        @Test
        void anUnknownApiIsRefusedListingTheKnownOnes() {
            assertThatThrownBy(() -> new OpenAiProvider(settings("openai", stub.baseUrl(), "sk-test", "completions")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'completions'")
                    .hasMessageContaining("chat_completions")
                    .hasMessageContaining("responses");
        }

        @Test
        void theProviderIsNamedAsConfigured() {
            assertThat(provider.name()).isEqualTo("upstream");
        }
    }
}
