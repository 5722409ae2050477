package dev.quarry.provider.mantle;

import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.provider.ProviderType;
import dev.quarry.provider.aws.AwsAuthentication;
import dev.quarry.provider.aws.AwsEndpoint;
import dev.quarry.provider.openai.OpenAiProvider;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code bedrock-mantle} provider: models on Amazon Bedrock's OpenAI-compatible endpoint
 * ("Mantle", {@code https://bedrock-mantle.<region>.api.aws}), which serves the Responses and Chat
 * Completions APIs in OpenAI's wire format for model ids such as {@code openai.gpt-5.5}. So this is
 * the OpenAI provider with Bedrock's address and credentials: each call is signed with SigV4 for the
 * service {@code bedrock-mantle} (session token included), or carries a Bedrock API key as a bearer
 * token ({@code api_key_env}); where the keys come from is {@link AwsAuthentication}'s to say.
 *
 * <p>Options: {@code region} (else {@code AWS_REGION}), {@code api} ({@code responses}, the default,
 * or {@code chat_completions}) and the key options every AWS provider has. Without a
 * {@code base_url} the provider calls {@value #REGIONAL_BASE_URL} for its region: AWS serves its
 * GPT models under {@code /openai/v1}, and most others under {@code /v1}, so a deployment of another
 * model family sets {@code base_url: https://bedrock-mantle.<region>.api.aws/v1}.
 */
public final class BedrockMantle {
    /** A stand-in until the region is known (see {@link AwsEndpoint#of}). */
    public static final String REGIONAL_BASE_URL = "https://bedrock-mantle.REGION.api.aws/openai/v1";
    private static final String SERVICE = "bedrock-mantle";

    public static final ProviderType TYPE = new ProviderType("bedrock-mantle", BedrockMantle::provider, REGIONAL_BASE_URL, "bedrock",
            AwsAuthentication.options(OpenAiProvider.API_OPTION));

    private BedrockMantle() {}

    /**
     * @param env reads the environment variables that hold the region and credentials
     * @throws IllegalArgumentException without a region, for an unknown one, or for key options naming empty variables
     */
    public static Provider provider(ProviderSettings settings, Function<String, String> env) {
        AwsEndpoint endpoint = AwsEndpoint.of(settings, env, REGIONAL_BASE_URL);
        AwsAuthentication authentication = AwsAuthentication.of(settings, env, endpoint.region(), SERVICE);
        OpenAiProvider.CallHeaders signed = (path, body) -> authentication.headers(endpoint.host(), endpoint.basePath() + path, endpoint.query(), body);
        return new OpenAiProvider(endpoint.settings(settings),
                new OpenAiProvider.Host((openAiPath, model) -> openAiPath, Map.of(), signed, OpenAiProvider.Api.RESPONSES, false));
    }
}
