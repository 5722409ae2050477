package dev.quarry.provider.openai;

import dev.quarry.canonical.EmbeddingRequest;
import dev.quarry.canonical.EmbeddingResponse;
import dev.quarry.canonical.EventStream;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import dev.quarry.provider.ProviderOption;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.provider.ProviderType;
import dev.quarry.provider.UpstreamHttp;
import dev.quarry.provider.openai.internal.ChatCompletionsRequestEncoder;
import dev.quarry.provider.openai.internal.ChatCompletionsStreamDecoder;
import dev.quarry.provider.openai.internal.EmbeddingsCodec;
import dev.quarry.provider.openai.internal.OpenAiErrors;
import dev.quarry.provider.openai.internal.ResponsesRequestEncoder;
import dev.quarry.provider.openai.internal.ResponsesStreamDecoder;
import dev.quarry.provider.wire.FrameDecoder;
import dev.quarry.provider.wire.CustomTools;
import dev.quarry.provider.wire.Json;
import dev.quarry.provider.wire.SseDecoder;
import dev.quarry.provider.wire.UpstreamBody;
import io.helidon.webclient.api.HttpClientResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code openai} and {@code openai-compatible} providers: OpenAI itself, and servers that speak
 * its API (vLLM, Ollama, llama.cpp). The {@code api} option picks the upstream API: {@code responses}
 * (the default for OpenAI) or {@code chat_completions} (the default for compatible servers, most of
 * which have nothing else). Calls stream upstream, but for a client that does not stream Chat Completions
 * is asked for the whole answer at once: one JSON body costs less to read than a chunk per token.
 *
 * <p>Other hosts of OpenAI's wire format (Azure OpenAI, Bedrock's OpenAI-compatible endpoint) reuse
 * this class with their own {@link Host}: the same codecs, other addresses and other credentials.
 */
public final class OpenAiProvider implements Provider {
    /**
     * The upstream model of the call on this thread. {@link UpstreamHttp} maps error answers inside
     * {@code postJson}, on the calling thread, so this lets the message for a 404 name the model
     * while all calls share one connection pool.
     */
    private static final ScopedValue<String> UPSTREAM_MODEL = ScopedValue.newInstance();
    private static final String EMBEDDINGS = "/embeddings";

    /** The upstream APIs, by the value of the {@code api} option, with the path OpenAI serves each at. */
    public enum Api {
        CHAT_COMPLETIONS("chat_completions", "/chat/completions"),
        RESPONSES("responses", "/responses");

        private final String option;
        private final String path;

        Api(String option, String path) {
            this.option = option;
            this.path = path;
        }
    }

    /** The {@code api} option, which picks the upstream API; Azure reads it too. */
    public static final ProviderOption API_OPTION = new ProviderOption.OneOf("api", Arrays.stream(Api.values()).map(a -> a.option).toList());

    public static final ProviderType TYPE = new ProviderType("openai", (settings, env) -> new OpenAiProvider(settings),
            "https://api.openai.com/v1", "direct", List.of(API_OPTION, ProviderOption.WHOLE_ANSWERS));

    /** No default base URL: a compatible server is wherever it runs. */
    public static final ProviderType COMPATIBLE_TYPE = new ProviderType("openai-compatible", (settings, env) -> new OpenAiProvider(settings),
            null, "direct", List.of(API_OPTION, ProviderOption.WHOLE_ANSWERS));

    /**
     * Where a host serves one of OpenAI's APIs for a model: given OpenAI's own path of the API
     * ({@code /chat/completions}, {@code /responses}, {@code /embeddings}), the path to POST to,
     * relative to the base URL, query included.
     */
    @FunctionalInterface
    public interface Endpoints {
        String path(String openAiPath, String upstreamModel);
    }

    /**
     * The headers that prove who Quarry is on one call. Most hosts send the same key every time; a
     * host that wants each call signed (Bedrock's, with SigV4) signs the path and body it is given,
     * which are exactly those sent.
     */
    @FunctionalInterface
    public interface CallHeaders {
        /**
         * @param path the path relative to the base URL, as {@link Endpoints} gave it
         * @param body the bytes of the request body
         */
        Map<String, String> of(String path, byte[] body);

        /** The same headers on every call. */
        static CallHeaders fixed(Map<String, String> headers) {
            Map<String, String> copy = Map.copyOf(headers);
            return (path, body) -> copy;
        }
    }

    /**
     * A host that speaks OpenAI's wire format.
     *
     * @param query      query parameters every call carries (Azure's {@code api-version})
     * @param headers    the headers that carry the host's key
     * @param defaultApi the API used when the {@code api} option is unset
     * @param compatible whether it is an OpenAI-compatible server, which knows only the older request fields
     */
    public record Host(Endpoints endpoints, Map<String, String> query, CallHeaders headers, Api defaultApi, boolean compatible) {
        public Host {
            query = Map.copyOf(query);
        }
    }

    private final String name;
    private final Api api;
    private final ChatCompletionsRequestEncoder.Dialect dialect;
    private final Endpoints endpoints;
    private final Map<String, String> query;
    private final CallHeaders headers;
    private final UpstreamHttp http;
    private final boolean wholeAnswers;

    /** @throws IllegalArgumentException for an unknown type or {@code api}, or an {@code openai} provider without a key */
    public OpenAiProvider(ProviderSettings settings) {
        this(settings, openAiHost(settings));
    }

    /** @throws IllegalArgumentException for an unknown {@code api} */
    public OpenAiProvider(ProviderSettings settings, Host host) {
        this.name = settings.name();
        String apiOption = settings.option(API_OPTION.name(), host.defaultApi().option);
        this.api = Arrays.stream(Api.values()).filter(a -> a.option.equals(apiOption)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("provider '" + name + "' has api '" + apiOption
                        + "'; choose 'chat_completions' or 'responses'"));
        this.dialect = host.compatible() ? ChatCompletionsRequestEncoder.Dialect.COMPATIBLE : ChatCompletionsRequestEncoder.Dialect.OPENAI;
        this.endpoints = host.endpoints();
        this.query = host.query();
        this.headers = host.headers();
        // The Responses API is always streamed upstream: its whole answer is not decoded here.
        this.wholeAnswers = api == Api.CHAT_COMPLETIONS && ProviderOption.wholeAnswers(settings);
        this.http = new UpstreamHttp(settings,
                (status, body, retryAfter) -> OpenAiErrors.fromStatus(name, UPSTREAM_MODEL.get(), status, body, retryAfter));
    }

    private static Host openAiHost(ProviderSettings settings) {
        boolean compatible = settings.type().equals(COMPATIBLE_TYPE.name());
        if (!compatible && !settings.type().equals(TYPE.name())) {
            throw new IllegalArgumentException("provider '" + settings.name() + "' has type '" + settings.type()
                    + "'; OpenAiProvider serves '" + TYPE.name() + "' and '" + COMPATIBLE_TYPE.name() + "'");
        }
        boolean hasKey = settings.apiKey() != null && !settings.apiKey().isBlank();
        if (!compatible && !hasKey) {
            throw new IllegalArgumentException("provider '" + settings.name() + "' (type openai) has no API key: set the environment "
                    + "variable named by its api_key_env to the key.");
        }
        // Without a key a compatible server gets no Authorization header at all, not an empty bearer token.
        Map<String, String> headers = hasKey ? Map.of("Authorization", "Bearer " + settings.apiKey()) : Map.of();
        return new Host((openAiPath, model) -> openAiPath, Map.of(), CallHeaders.fixed(headers), compatible ? Api.CHAT_COMPLETIONS : Api.RESPONSES, compatible);
    }

    @Override
    public boolean answersWhole() {
        return wholeAnswers;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EventStream stream(ProviderCall call) {
        byte[] body = Json.bytes(switch (api) {
            case CHAT_COMPLETIONS -> ChatCompletionsRequestEncoder.encode(call.request(), call.upstreamModel(), dialect, call.stream());
            case RESPONSES -> ResponsesRequestEncoder.encode(call.request(), call.upstreamModel());
        });
        HttpClientResponse response = post(api.path, body, call.upstreamModel());
        UpstreamBody upstream = new UpstreamBody(name, response.inputStream(), response, http::transportFailure);
        FrameDecoder<?> events = switch (api) {
            case CHAT_COMPLETIONS -> new ChatCompletionsStreamDecoder(upstream,
                    SseDecoder.Framing.of(call.stream(), UpstreamHttp.isEventStream(response)));
            case RESPONSES -> new ResponsesStreamDecoder(upstream);
        };
        // Responses carries custom tools as they are; Chat Completions got them as functions, whose calls go back as custom calls.
        return api == Api.CHAT_COMPLETIONS ? CustomTools.restore(events.begin(), call.request()) : events.begin();
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, String upstreamModel) {
        byte[] body = Json.bytes(EmbeddingsCodec.encode(request, upstreamModel));
        try (HttpClientResponse response = post(EMBEDDINGS, body, upstreamModel);
             InputStream in = response.inputStream()) {
            return EmbeddingsCodec.decode(name, request, in.readAllBytes());
        } catch (IOException | RuntimeException e) {
            throw http.transportFailure(e);
        }
    }

    private HttpClientResponse post(String openAiPath, byte[] body, String upstreamModel) {
        String path = endpoints.path(openAiPath, upstreamModel);
        return ScopedValue.where(UPSTREAM_MODEL, upstreamModel).call(() -> http.postJson(path, query, body, headers.of(path, body)));
    }
}
