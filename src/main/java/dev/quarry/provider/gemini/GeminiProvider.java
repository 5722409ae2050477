package dev.quarry.provider.gemini;

import dev.quarry.canonical.EventStream;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.provider.ProviderType;
import dev.quarry.provider.UpstreamHttp;
import dev.quarry.provider.gemini.internal.GeminiErrors;
import dev.quarry.provider.gemini.internal.GenerateContentRequestEncoder;
import dev.quarry.provider.gemini.internal.GenerateContentStreamDecoder;
import dev.quarry.provider.wire.CustomTools;
import dev.quarry.provider.wire.Json;
import dev.quarry.provider.wire.UpstreamBody;
import io.helidon.webclient.api.HttpClientResponse;
import java.util.List;
import java.util.Map;

/**
 * The {@code gemini} provider: Google's Gemini API (generativelanguage.googleapis.com), streamed with
 * {@code POST {base_url}/v1beta/models/{model}:streamGenerateContent?alt=sse} and the key in
 * {@code x-goog-api-key}. It reads no options.
 */
public final class GeminiProvider implements Provider {
    /** Billed on Vertex's sheet unless its platform option says otherwise (AI Studio is {@code direct}). */
    public static final ProviderType TYPE = new ProviderType("gemini", (settings, env) -> new GeminiProvider(settings),
            "https://generativelanguage.googleapis.com", "vertex", List.of());
    /** Without it Gemini streams one JSON array, which cannot be read an element at a time as simply. */
    private static final Map<String, String> STREAM_AS_SSE = Map.of("alt", "sse");
    private final String name;
    private final Map<String, String> headers;
    private final UpstreamHttp http;

    /** @throws IllegalArgumentException without an API key */
    public GeminiProvider(ProviderSettings settings) {
        this.name = settings.name();
        if (settings.apiKey() == null || settings.apiKey().isBlank()) {
            throw new IllegalArgumentException("provider '" + name + "' (type gemini) has no API key: set the environment "
                    + "variable named by its api_key_env to the key.");
        }
        this.headers = Map.of("x-goog-api-key", settings.apiKey());
        this.http = new UpstreamHttp(settings, (status, body, retryAfter) -> GeminiErrors.fromStatus(name, status, body, retryAfter));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EventStream stream(ProviderCall call) {
        byte[] body = Json.bytes(GenerateContentRequestEncoder.encode(call.request()));
        HttpClientResponse response = http.postJson(path(call.upstreamModel()), STREAM_AS_SSE, body, headers);
        // The encoder sent custom tools as functions; their calls go back to the client as custom calls.
        return CustomTools.restore(new GenerateContentStreamDecoder(new UpstreamBody(name, response.inputStream(), response, http::transportFailure)).begin(), call.request());
    }

    /** Google names models {@code models/gemini-...} in its own listings; a deployment may use either form. */
    static String path(String upstreamModel) {
        String model = upstreamModel.startsWith("models/") ? upstreamModel.substring("models/".length()) : upstreamModel;
        return "/v1beta/models/" + model + ":streamGenerateContent";
    }
}
