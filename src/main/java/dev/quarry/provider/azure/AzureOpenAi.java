package dev.quarry.provider.azure;

import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderOption;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.provider.ProviderType;
import dev.quarry.provider.openai.OpenAiProvider;
import java.util.List;
import java.util.Map;

/**
 * The {@code azure-openai} provider: models deployed on an Azure OpenAI (Azure AI Foundry) resource.
 * Azure speaks OpenAI's wire format, so this is the OpenAI provider with Azure's addresses and key
 * header ({@code api-key}); a deployment's upstream model is the Azure deployment name.
 *
 * <p>The {@code base_url} is the resource endpoint, {@code https://<resource>.openai.azure.com}.
 * Option {@code api_version} picks the address layout: a dated version (default
 * {@value #DEFAULT_API_VERSION}, which takes both {@code stream_options} and
 * {@code max_completion_tokens}) calls {@code /openai/deployments/<deployment>/chat/completions?api-version=...};
 * {@code v1} calls Azure's v1 API, {@code /openai/v1/chat/completions}, with the deployment as the
 * model. Option {@code api} is {@code chat_completions} (the default) or {@code responses}, which
 * needs {@code api_version: v1} or a dated version from 2025-03-01-preview on.
 */
public final class AzureOpenAi {
    public static final String DEFAULT_API_VERSION = "2024-12-01-preview";
    private static final String V1 = "v1";
    private static final String RESPONSES = "/responses";
    private static final ProviderOption API_VERSION = new ProviderOption.Text("api_version");

    /** No default base URL: each resource has its own. */
    public static final ProviderType TYPE = new ProviderType("azure-openai", (settings, env) -> provider(settings), null, "azure",
            List.of(OpenAiProvider.API_OPTION, API_VERSION));

    private AzureOpenAi() {}

    /** @throws IllegalArgumentException without an API key, or for an unknown {@code api} */
    public static Provider provider(ProviderSettings settings) {
        if (settings.apiKey() == null || settings.apiKey().isBlank()) {
            throw new IllegalArgumentException("provider '" + settings.name() + "' (type azure-openai) has no API key: set the "
                    + "environment variable named by its api_key_env to the key.");
        }
        OpenAiProvider.CallHeaders headers = OpenAiProvider.CallHeaders.fixed(Map.of("api-key", settings.apiKey()));
        String version = settings.option(API_VERSION.name(), DEFAULT_API_VERSION);
        OpenAiProvider.Host host = version.equals(V1)
                ? new OpenAiProvider.Host((openAiPath, deployment) -> "/openai/v1" + openAiPath, Map.of(), headers,
                        OpenAiProvider.Api.CHAT_COMPLETIONS, false)
                : new OpenAiProvider.Host(AzureOpenAi::deploymentPath, Map.of("api-version", version), headers,
                        OpenAiProvider.Api.CHAT_COMPLETIONS, false);
        return new OpenAiProvider(settings, host);
    }

    /** Chat Completions and embeddings live under the deployment; the Responses API at the resource, the deployment named as the model. */
    private static String deploymentPath(String openAiPath, String deployment) {
        return openAiPath.equals(RESPONSES) ? "/openai" + RESPONSES : "/openai/deployments/" + deployment + openAiPath;
    }
}
