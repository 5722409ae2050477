package dev.quarry.provider.bedrock;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.provider.ProviderType;
import dev.quarry.provider.UpstreamHttp;
import dev.quarry.provider.aws.AwsAuthentication;
import dev.quarry.provider.aws.AwsEndpoint;
import dev.quarry.provider.bedrock.internal.BedrockErrors;
import dev.quarry.provider.bedrock.internal.ConverseRequestEncoder;
import dev.quarry.provider.bedrock.internal.ConverseStreamDecoder;
import dev.quarry.provider.wire.CustomTools;
import dev.quarry.provider.wire.Json;
import dev.quarry.provider.wire.UpstreamBody;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The {@code bedrock} provider: models on Amazon Bedrock through ConverseStream,
 * {@code POST /model/{modelId}/converse-stream}, each call signed with SigV4 for the service
 * {@code bedrock}; the upstream model of a deployment is the Bedrock model id or inference profile id.
 *
 * <p>Options: {@code region} (else the {@code AWS_REGION} environment variable; deployments carry no
 * region of their own, so one provider serves one region), and where the keys come from (see
 * {@link AwsAuthentication}): a Bedrock API key with {@code api_key_env}, the environment variables
 * named by {@code access_key_id_env}, {@code secret_access_key_env} and {@code session_token_env},
 * {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}, else the AWS SDK's default chain.
 * Without a {@code base_url} the provider calls {@code https://bedrock-runtime.<region>.amazonaws.com}.
 */
public final class BedrockProvider implements Provider {
    /**
     * The base URL a configuration without {@code base_url} gives this provider: a stand-in that the
     * provider replaces with its region's endpoint, since a configuration default cannot know the region.
     */
    public static final String REGIONAL_BASE_URL = "https://bedrock-runtime.REGION.amazonaws.com";

    public static final ProviderType TYPE = new ProviderType("bedrock", BedrockProvider::new, REGIONAL_BASE_URL, "bedrock",
            AwsAuthentication.options());
    private static final String SERVICE = "bedrock";
    private static final String EVENT_STREAM = "application/vnd.amazon.eventstream";
    /**
     * Model and inference profile ids. ARNs are refused: their {@code /} must travel percent-encoded
     * in the path, and the HTTP client encodes the {@code %} again.
     */
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9._:-]+");

    private final String name;
    private final String host;
    private final String basePath;
    private final String query;
    private final AwsAuthentication authentication;
    private final UpstreamHttp http;

    /** @param env reads the environment variables that hold the region and credentials */
    public BedrockProvider(ProviderSettings settings, Function<String, String> env) {
        this.name = settings.name();
        AwsEndpoint endpoint = AwsEndpoint.of(settings, env, REGIONAL_BASE_URL);
        this.host = endpoint.host();
        this.basePath = endpoint.basePath();
        this.query = endpoint.query();
        this.authentication = AwsAuthentication.of(settings, env, endpoint.region(), SERVICE);
        this.http = new UpstreamHttp(endpoint.settings(settings), (status, body, retryAfter) -> BedrockErrors.fromStatus(name, status, body, retryAfter));
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

    /** The headers of one call; with access keys, signed over the host, path, query and body as they go on the wire. */
    private Map<String, String> headers(String wirePath, byte[] body) {
        Map<String, String> headers = new HashMap<>(authentication.headers(host, wirePath, query, body));
        headers.put("Accept", EVENT_STREAM);
        return headers;
    }
}
