package dev.quarry.provider.aws;

import dev.quarry.aws.AwsCredentials;
import dev.quarry.aws.SigV4;
import dev.quarry.aws.SignableRequest;
import dev.quarry.provider.ProviderOption;
import dev.quarry.provider.ProviderSettings;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * How a provider's calls to an AWS endpoint prove who Quarry is: a Bedrock API key as a bearer
 * token, or a SigV4 signature for the endpoint's service.
 *
 * <p>The keys, in order of precedence: a provider with {@code api_key_env} sends that API key; one
 * with any of the options {@code access_key_id_env}, {@code secret_access_key_env},
 * {@code session_token_env} signs with the keys in the variables they name (the unset ones default
 * to {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}), and
 * refuses to start without them; otherwise the keys in {@code AWS_ACCESS_KEY_ID} and
 * {@code AWS_SECRET_ACCESS_KEY} when both are set, else the AWS SDK's default credential chain.
 */
public sealed interface AwsAuthentication {
    ProviderOption ACCESS_KEY_ID_ENV = new ProviderOption.Text("access_key_id_env");
    ProviderOption SECRET_ACCESS_KEY_ENV = new ProviderOption.Text("secret_access_key_env");
    ProviderOption SESSION_TOKEN_ENV = new ProviderOption.Text("session_token_env");
    /** The options that name where the keys are, every AWS provider type's. */
    List<ProviderOption> OPTIONS = List.of(ACCESS_KEY_ID_ENV, SECRET_ACCESS_KEY_ENV, SESSION_TOKEN_ENV);

    /**
     * The headers that authenticate one call. With SigV4 they include {@code Host}, set here so that
     * the host sent is the host signed, whatever the HTTP client would write.
     *
     * @param host     the authority the call goes to, with its port when not the scheme's default
     * @param wirePath the path exactly as sent, base path included
     * @param query    the raw query sent, or empty
     * @param body     the exact bytes sent
     */
    Map<String, String> headers(String host, String wirePath, String query, byte[] body);

    record BearerToken(String token) implements AwsAuthentication {
        @Override
        public Map<String, String> headers(String host, String wirePath, String query, byte[] body) {
            return Map.of("Authorization", "Bearer " + token);
        }

        @Override
        public String toString() {
            return "BearerToken[…]";
        }
    }

    /** SigV4 over the path and query, the host, the date, the session token if any and the body; the keys are asked for on each call. */
    record SigV4Signed(AwsCredentialSource credentials, String region, String service) implements AwsAuthentication {
        @Override
        public Map<String, String> headers(String host, String wirePath, String query, byte[] body) {
            AwsCredentials keys = credentials.current();
            Map<String, String> headers = new HashMap<>(Map.of("Host", host));
            SignableRequest request = SignableRequest.of("POST", wirePath, query, Map.of("host", List.of(host)), body);
            headers.putAll(SigV4.sign(request, keys, region, service, Instant.now()));
            return headers;
        }
    }

    /**
     * @param service the SigV4 signing name ({@code bedrock}, {@code bedrock-mantle})
     * @throws IllegalArgumentException when the options name variables that do not hold a key pair
     */
    static AwsAuthentication of(ProviderSettings settings, Function<String, String> env, String region, String service) {
        if (hasText(settings.apiKey())) return new BearerToken(settings.apiKey().strip());
        boolean named = OPTIONS.stream().anyMatch(option -> settings.options().containsKey(option.name()));
        String keyIdVariable = settings.option(ACCESS_KEY_ID_ENV.name(), "AWS_ACCESS_KEY_ID");
        String secretVariable = settings.option(SECRET_ACCESS_KEY_ENV.name(), "AWS_SECRET_ACCESS_KEY");
        String keyId = env.apply(keyIdVariable);
        String secret = env.apply(secretVariable);
        if (hasText(keyId) && hasText(secret)) {
            String token = env.apply(settings.option(SESSION_TOKEN_ENV.name(), "AWS_SESSION_TOKEN"));
            AwsCredentials keys = new AwsCredentials(keyId.strip(), secret.strip(), hasText(token) ? token.strip() : null);
            return new SigV4Signed(new AwsCredentialSource.Fixed(keys), region, service);
        }
        if (named) {
            throw new IllegalArgumentException("provider '" + settings.name() + "' (type " + settings.type() + ") has no AWS credentials: "
                    + "set the environment variables " + keyIdVariable + " and " + secretVariable + " (the names come from its "
                    + "access_key_id_env and secret_access_key_env options), or remove those options to use the AWS SDK's default "
                    + "credential chain, or give it a Bedrock API key with api_key_env.");
        }
        return new SigV4Signed(AwsCredentialSource.Sdk.defaultChain(settings.name()), region, service);
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }

    /** Every option an AWS provider type reads: the region, these, and the type's own. */
    static List<ProviderOption> options(ProviderOption... own) {
        return Stream.concat(Stream.concat(Stream.of(AwsEndpoint.REGION), OPTIONS.stream()), Stream.of(own)).toList();
    }
}
