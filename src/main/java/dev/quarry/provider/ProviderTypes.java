package dev.quarry.provider;

import dev.quarry.provider.anthropic.AnthropicProvider;
import dev.quarry.provider.azure.AzureOpenAi;
import dev.quarry.provider.bedrock.BedrockProvider;
import dev.quarry.provider.gemini.GeminiProvider;
import dev.quarry.provider.mantle.BedrockMantle;
import dev.quarry.provider.openai.OpenAiProvider;
import java.util.List;
import java.util.Optional;

/** The provider types a configuration may name: the one list every part of Quarry that knows provider types reads. */
public final class ProviderTypes {
    public static final List<ProviderType> ALL = List.of(OpenAiProvider.TYPE, OpenAiProvider.COMPATIBLE_TYPE, AzureOpenAi.TYPE,
            AnthropicProvider.TYPE, GeminiProvider.TYPE, BedrockProvider.TYPE, BedrockMantle.TYPE);

    private ProviderTypes() {}

    public static Optional<ProviderType> named(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The type names, as an error listing the known ones shows them. */
    public static List<String> names() {
        return ALL.stream().map(ProviderType::name).sorted().toList();
    }
}
