package dev.quarry.provider.anthropic;

import dev.quarry.canonical.EventStream;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import dev.quarry.provider.ProviderOption;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.provider.ProviderType;
import dev.quarry.provider.UpstreamHttp;
import dev.quarry.provider.anthropic.internal.AnthropicErrors;
import dev.quarry.provider.anthropic.internal.MessagesRequestEncoder;
import dev.quarry.provider.anthropic.internal.MessagesStreamDecoder;
import dev.quarry.provider.wire.CustomTools;
import dev.quarry.provider.wire.Json;
import dev.quarry.provider.wire.SseDecoder;
import dev.quarry.provider.wire.UpstreamBody;
import io.helidon.webclient.api.HttpClientResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code anthropic} provider: Claude through Anthropic's Messages API, {@code POST {base_url}/v1/messages}
 * with the key in {@code x-api-key}. Calls stream upstream, unless the client does not stream and the
 * provider has {@code whole_answers: true}: then the whole {@code message} is asked for and returned as
 * the same canonical events.
 *
 * <p>Options: {@code default_max_tokens} (the output limit asked for when the client sets none, which
 * Anthropic requires; {@value #DEFAULT_MAX_TOKENS} unless set) and {@code anthropic_beta} (sent as the
 * {@code anthropic-beta} header, to turn on beta features for every call).
 */
public final class AnthropicProvider implements Provider {
    /** Enough for a full answer from every current Claude model, and within every one's output limit. */
    public static final int DEFAULT_MAX_TOKENS = 4096;
    private static final ProviderOption.PositiveNumber DEFAULT_MAX_TOKENS_OPTION = new ProviderOption.PositiveNumber("default_max_tokens");
    private static final ProviderOption.Text BETA_OPTION = new ProviderOption.Text("anthropic_beta");

    public static final ProviderType TYPE = new ProviderType("anthropic", (settings, env) -> new AnthropicProvider(settings),
            "https://api.anthropic.com", "direct", List.of(DEFAULT_MAX_TOKENS_OPTION, BETA_OPTION, ProviderOption.WHOLE_ANSWERS));
    private static final String MESSAGES = "/v1/messages";
    /** The API version this codec speaks; Anthropic keeps it stable and adds features through betas. */
    private static final String API_VERSION = "2023-06-01";

    private final String name;
    private final int defaultMaxTokens;
    private final Map<String, String> headers;
    private final UpstreamHttp http;
    private final boolean wholeAnswers;

    /** @throws IllegalArgumentException without an API key, or with a {@code default_max_tokens} that is no positive number */
    public AnthropicProvider(ProviderSettings settings) {
        this.name = settings.name();
        if (settings.apiKey() == null || settings.apiKey().isBlank()) {
            throw new IllegalArgumentException("provider '" + name + "' (type anthropic) has no API key: set the environment "
                    + "variable named by its api_key_env to the key.");
        }
        this.defaultMaxTokens = DEFAULT_MAX_TOKENS_OPTION.in(settings, DEFAULT_MAX_TOKENS);
        this.wholeAnswers = ProviderOption.wholeAnswers(settings);
        Map<String, String> headers = new HashMap<>(Map.of("x-api-key", settings.apiKey(), "anthropic-version", API_VERSION));
        String beta = settings.option(BETA_OPTION.name(), null);
        if (beta != null) headers.put("anthropic-beta", beta);
        this.headers = Map.copyOf(headers);
        this.http = new UpstreamHttp(settings, (status, body, retryAfter) -> AnthropicErrors.fromStatus(name, status, body, retryAfter));
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
        // A client that does not stream gets the whole answer from one body, cheaper to read than an event per token.
        byte[] body = Json.bytes(MessagesRequestEncoder.encode(call.request(), call.upstreamModel(), defaultMaxTokens, call.stream()));
        HttpClientResponse response = http.postJson(MESSAGES, body, headers);
        UpstreamBody upstream = new UpstreamBody(name, response.inputStream(), response, http::transportFailure);
        MessagesStreamDecoder events = new MessagesStreamDecoder(upstream, SseDecoder.Framing.of(call.stream(), UpstreamHttp.isEventStream(response)));
        // The encoder sent custom tools as functions; their calls go back to the client as custom calls.
        return CustomTools.restore(events.begin(), call.request());
    }
}
