package dev.quarry.provider.openai;

import dev.quarry.canonical.EmbeddingRequest;
import dev.quarry.canonical.EmbeddingResponse;
import dev.quarry.canonical.EventStream;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.provider.UpstreamHttp;
import dev.quarry.provider.openai.internal.ChatCompletionsRequestEncoder;
import dev.quarry.provider.openai.internal.ChatCompletionsStreamDecoder;
import dev.quarry.provider.openai.internal.EmbeddingsCodec;
import dev.quarry.provider.openai.internal.Json;
import dev.quarry.provider.openai.internal.OpenAiErrors;
import dev.quarry.provider.openai.internal.ResponsesRequestEncoder;
import dev.quarry.provider.openai.internal.ResponsesStreamDecoder;
import dev.quarry.provider.openai.internal.UpstreamBody;
import io.helidon.webclient.api.HttpClientResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;

/**
 * The {@code openai} and {@code openai-compatible} providers: OpenAI itself, and servers that speak
 * its API (vLLM, Ollama, llama.cpp). The {@code api} option picks the upstream API: {@code responses}
 * (the default for OpenAI) or {@code chat_completions} (the default for compatible servers, most of
 * which have nothing else). Calls always stream upstream; a non-streaming client is served by folding.
 */
public final class OpenAiProvider implements Provider {
    /**
     * The upstream model of the call on this thread. {@link UpstreamHttp} maps error answers inside
     * {@code postJson}, on the calling thread, so this lets the message for a 404 name the model
     * while all calls share one connection pool.
     */
    private static final ScopedValue<String> UPSTREAM_MODEL = ScopedValue.newInstance();

    /** The upstream APIs, by the value of the {@code api} option. */
    enum Api {
        CHAT_COMPLETIONS("chat_completions", "/chat/completions"),
        RESPONSES("responses", "/responses");

        private final String option;
        private final String path;

        Api(String option, String path) {
            this.option = option;
            this.path = path;
        }
    }

    private final String name;
    private final Api api;
    private final ChatCompletionsRequestEncoder.Dialect dialect;
    private final Map<String, String> headers;
    private final UpstreamHttp http;

    /** @throws IllegalArgumentException for an unknown type or {@code api}, or an {@code openai} provider without a key */
    public OpenAiProvider(ProviderSettings settings) {
        this.name = settings.name();
        boolean compatible = switch (settings.type()) {
            case "openai" -> false;
            case "openai-compatible" -> true;
            default -> throw new IllegalArgumentException("provider '" + name + "' has type '" + settings.type()
                    + "'; OpenAiProvider serves 'openai' and 'openai-compatible'");
        };
        boolean hasKey = settings.apiKey() != null && !settings.apiKey().isBlank();
        if (!compatible && !hasKey) {
            throw new IllegalArgumentException("provider '" + name + "' (type openai) has no API key: set the environment "
                    + "variable named by its api_key_env to the key.");
        }
        String apiOption = settings.option("api", compatible ? Api.CHAT_COMPLETIONS.option : Api.RESPONSES.option);
        this.api = Arrays.stream(Api.values()).filter(a -> a.option.equals(apiOption)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("provider '" + name + "' has api '" + apiOption
                        + "'; choose 'chat_completions' or 'responses'"));
        this.dialect = compatible ? ChatCompletionsRequestEncoder.Dialect.COMPATIBLE : ChatCompletionsRequestEncoder.Dialect.OPENAI;
        // Without a key a compatible server gets no Authorization header at all, not an empty bearer token.
        this.headers = hasKey ? Map.of("Authorization", "Bearer " + settings.apiKey()) : Map.of();
        this.http = new UpstreamHttp(settings,
                (status, body, retryAfter) -> OpenAiErrors.fromStatus(name, UPSTREAM_MODEL.get(), status, body, retryAfter));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EventStream stream(ProviderCall call) {
        byte[] body = Json.bytes(switch (api) {
            case CHAT_COMPLETIONS -> ChatCompletionsRequestEncoder.encode(call.request(), call.upstreamModel(), dialect);
            case RESPONSES -> ResponsesRequestEncoder.encode(call.request(), call.upstreamModel());
        });
        HttpClientResponse response = post(api.path, body, call.upstreamModel());
        UpstreamBody upstream = new UpstreamBody(name, response.inputStream(), response, http::transportFailure);
        EventStream events = switch (api) {
            case CHAT_COMPLETIONS -> new ChatCompletionsStreamDecoder(upstream);
            case RESPONSES -> new ResponsesStreamDecoder(upstream);
        };
        try {
            // Reads the first event now, so that a failure before it is thrown while the caller can still fall back.
            events.hasNext();
            return events;
        } catch (RuntimeException e) {
            events.close();
            throw e;
        }
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, String upstreamModel) {
        byte[] body = Json.bytes(EmbeddingsCodec.encode(request, upstreamModel));
        try (HttpClientResponse response = post("/embeddings", body, upstreamModel);
             InputStream in = response.inputStream()) {
            return EmbeddingsCodec.decode(name, request, in.readAllBytes());
        } catch (IOException | RuntimeException e) {
            throw http.transportFailure(e);
        }
    }

    private HttpClientResponse post(String path, byte[] body, String upstreamModel) {
        return ScopedValue.where(UPSTREAM_MODEL, upstreamModel).call(() -> http.postJson(path, body, headers));
    }
}
