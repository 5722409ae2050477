package dev.quarry.provider.bedrock;

import dev.quarry.aws.AwsCredentials;
import dev.quarry.aws.SigV4;
import dev.quarry.aws.SignableRequest;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import dev.quarry.provider.ProviderOption;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.provider.ProviderType;
import dev.quarry.provider.UpstreamHttp;
import dev.quarry.provider.bedrock.internal.BedrockErrors;
import dev.quarry.provider.bedrock.internal.ConverseRequestEncoder;
import dev.quarry.provider.bedrock.internal.ConverseStreamDecoder;
import dev.quarry.provider.wire.CustomTools;
import dev.quarry.provider.wire.Json;
import dev.quarry.provider.wire.UpstreamBody;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The {@code bedrock} provider: models on Amazon Bedrock through ConverseStream,
 * {@code POST /model/{modelId}/converse-stream}, each call signed with SigV4 for the service
 * {@code bedrock}; the upstream model of a deployment is the Bedrock model id or inference profile id.
 *
 * <p>Options: {@code region} (else the {@code AWS_REGION} environment variable; deployments carry no
 * region of their own, so one provider serves one region), and the names of the environment
 * variables holding the credentials: {@code access_key_id_env} (default {@code AWS_ACCESS_KEY_ID}),
 * {@code secret_access_key_env} ({@code AWS_SECRET_ACCESS_KEY}) and {@code session_token_env}
 * ({@code AWS_SESSION_TOKEN}, used when set). A provider with an {@code api_key_env} uses that
 * Bedrock API key as a bearer token instead of signing. Without a {@code base_url} the provider calls
 * {@code https://bedrock-runtime.<region>.amazonaws.com}.
 */
public final class BedrockProvider implements Provider {
    /**
     * The base URL a configuration without {@code base_url} gives this provider: a stand-in that the
     * provider replaces with its region's endpoint, since a configuration default cannot know the region.
     */
    public static final String REGIONAL_BASE_URL = "https://bedrock-runtime.REGION.amazonaws.com";
    private static final ProviderOption REGION = new ProviderOption.Text("region");
    private static final ProviderOption ACCESS_KEY_ID_ENV = new ProviderOption.Text("access_key_id_env");
    private static final ProviderOption SECRET_ACCESS_KEY_ENV = new ProviderOption.Text("secret_access_key_env");
    private static final ProviderOption SESSION_TOKEN_ENV = new ProviderOption.Text("session_token_env");

    public static final ProviderType TYPE = new ProviderType("bedrock", BedrockProvider::new, REGIONAL_BASE_URL, "bedrock",
            List.of(REGION, ACCESS_KEY_ID_ENV, SECRET_ACCESS_KEY_ENV, SESSION_TOKEN_ENV));
    private static final String SERVICE = "bedrock";
    private static final String EVENT_STREAM = "application/vnd.amazon.eventstream";
    /**
     * Model and inference profile ids. ARNs are refused: their {@code /} must travel percent-encoded
     * in the path, and the HTTP client encodes the {@code %} again.
     */
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9._:-]+");

    private final String name;
    private final String region;
    private final String host;
    private final String basePath;
    private final Authentication authentication;
    private final UpstreamHttp http;

    /** How calls prove who Quarry is: SigV4 with access keys, or a Bedrock API key. */
    private sealed interface Authentication {
        record Keys(AwsCredentials credentials) implements Authentication {}

        record ApiKey(String key) implements Authentication {}
    }

    /** @param env reads the environment variables that hold the region and credentials */
    public BedrockProvider(ProviderSettings settings, Function<String, String> env) {
        this.name = settings.name();
        this.region = firstSet(settings.option(REGION.name(), null), env.apply("AWS_REGION"));
        if (region == null) {
            throw new IllegalArgumentException("provider '" + name + "' (type bedrock) has no region: set its region option "
                    + "(e.g. region: us-east-1) or the environment variable AWS_REGION.");
        }
        URI baseUrl = REGIONAL_BASE_URL.equals(settings.baseUrl().toString())
                ? URI.create("https://bedrock-runtime." + region + ".amazonaws.com") : settings.baseUrl();
        this.host = baseUrl.getPort() < 0 ? baseUrl.getHost() : baseUrl.getHost() + ":" + baseUrl.getPort();
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.authentication = authentication(settings, env);
        this.http = new UpstreamHttp(new ProviderSettings(name, settings.type(), baseUrl, settings.apiKey(), settings.connectTimeout(),
                settings.readTimeout(), settings.options()), (status, body, retryAfter) -> BedrockErrors.fromStatus(name, status, body, retryAfter));
    }

    private static Authentication authentication(ProviderSettings settings, Function<String, String> env) {
        if (settings.apiKey() != null && !settings.apiKey().isBlank()) return new Authentication.ApiKey(settings.apiKey());
        String keyIdVariable = settings.option(ACCESS_KEY_ID_ENV.name(), "AWS_ACCESS_KEY_ID");
        String secretVariable = settings.option(SECRET_ACCESS_KEY_ENV.name(), "AWS_SECRET_ACCESS_KEY");
        String keyId = env.apply(keyIdVariable);
        String secret = env.apply(secretVariable);
        if (keyId == null || keyId.isBlank() || secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("provider '" + settings.name() + "' (type bedrock) has no AWS credentials: set the "
                    + "environment variables " + keyIdVariable + " and " + secretVariable + " (the names come from its access_key_id_env "
                    + "and secret_access_key_env options), or give it a Bedrock API key with api_key_env.");
        }
        String token = env.apply(settings.option(SESSION_TOKEN_ENV.name(), "AWS_SESSION_TOKEN"));
        return new Authentication.Keys(new AwsCredentials(keyId, secret, token == null || token.isBlank() ? null : token));
    }

    private static String firstSet(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) return value.strip();
        }
        return null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EventStream stream(ProviderCall call) {
        String model = call.upstreamModel();
        if (!MODEL_ID.matcher(model).matches()) {
            throw QuarryException.of(ErrorKind.UPSTREAM_ERROR, "Provider '" + name + "' cannot call Bedrock model '" + model
                    + "': deploy it by its model id or inference profile id (such as us.anthropic.claude-sonnet-4-5-20250929-v1:0), not an ARN.");
        }
        String path = "/model/" + model + "/converse-stream";
        byte[] body = Json.bytes(ConverseRequestEncoder.encode(call.request()));
        HttpClientResponse response = http.postJson(path, body, headers(basePath + path, body));
        String requestId = response.headers().first(HeaderNames.create("x-amzn-RequestId")).orElse("");
        // The encoder sent custom tools as functions; their calls go back to the client as custom calls.
        return CustomTools.restore(new ConverseStreamDecoder(new UpstreamBody(name, response.inputStream(), response, http::transportFailure), requestId, model).begin(), call.request());
    }

    /** The headers of one call; with access keys, signed over the host and the body as they go on the wire. */
    private Map<String, String> headers(String wirePath, byte[] body) {
        Map<String, String> headers = new HashMap<>(Map.of("Accept", EVENT_STREAM));
        switch (authentication) {
            case Authentication.ApiKey(String key) -> headers.put("Authorization", "Bearer " + key);
            case Authentication.Keys(AwsCredentials credentials) -> {
                // Set explicitly so that the Host sent is the Host signed, whatever the client would write.
                headers.put("Host", host);
                SignableRequest request = SignableRequest.of("POST", wirePath, "", Map.of("host", List.of(host)), body);
                headers.putAll(SigV4.sign(request, credentials, region, SERVICE, Instant.now()));
            }
        }
        return headers;
    }
}
