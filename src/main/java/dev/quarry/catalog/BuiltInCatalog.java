package dev.quarry.catalog;

import static dev.quarry.catalog.Capability.DOCUMENTS;
import static dev.quarry.catalog.Capability.PROMPT_CACHE;
import static dev.quarry.catalog.Capability.REASONING;
import static dev.quarry.catalog.Capability.TOOLS;
import static dev.quarry.catalog.Capability.VISION;

import java.util.List;
import java.util.Set;

/**
 * The models Quarry knows out of the box. Frontier models come without deployments (a fresh
 * machine has no credentials), so they are listed as unavailable until the configuration gives
 * them one; the two offline models are always served by Quarry's built-in providers.
 *
 * <p>No prices are built in: list prices change, and a wrong built-in price is worse than an
 * honest "unpriced". Configure them per model.
 *
 * <p>DOCUMENTS marks the models that read PDF and text documents where they are served: OpenAI's
 * vision models, Claude, Gemini, and the models Bedrock Converse gives document chat (Nova Pro and
 * Lite, Llama, Mistral Large; Nova Micro has none). The echo model reads text only.
 *
 * <p>Built-in aliases yield to the configuration: a configured model id or alias that equals one
 * of them takes the name (see {@code Assembly.catalog}), so a configuration written before an
 * alias was added keeps working.
 */
public final class BuiltInCatalog {
    /** Provider names of the built-in offline providers; configured providers may not reuse them. */
    public static final String ECHO_PROVIDER = "quarry-echo";
    public static final String MINILM_PROVIDER = "quarry-minilm";

    private BuiltInCatalog() {}

    public static List<ModelEntry> models() {
        return List.of(
                chat("gpt-6.2-astra", "gpt", "OpenAI GPT-6.2 Astra", 1_050_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS)),
                chat("gpt-6.2-sol", "gpt", "OpenAI GPT-6.2 Sol", 1_050_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS)),
                chat("gpt-6.1-terra", "gpt", "OpenAI GPT-6.1 Terra", 1_050_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS)),
                chat("gpt-6-luna", "gpt", "OpenAI GPT-6 Luna", 1_050_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS)),
                chat("gpt-6-astra", "gpt", "OpenAI GPT-6 Astra", 1_050_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS),
                        "openai.gpt-6-astra"),
                chat("gpt-6.1-sol", "gpt", "OpenAI GPT-6.1 Sol", 1_050_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS),
                        "openai.gpt-6.1-sol"),
                chat("gpt-5.6-sol", "gpt", "OpenAI GPT-5.6 Sol", 1_050_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS),
                        "gpt-5.6", "openai.gpt-5.6-sol"),
                chat("gpt-5.6-terra", "gpt", "OpenAI GPT-5.6 Terra", 1_050_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS),
                        "openai.gpt-5.6-terra"),
                chat("gpt-5.6-luna", "gpt", "OpenAI GPT-5.6 Luna", 1_050_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS),
                        "openai.gpt-5.6-luna"),
                chat("gpt-5.5", "gpt", "OpenAI GPT-5.5", 400_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS),
                        "openai.gpt-5.5"),
                chat("gpt-5.4", "gpt", "OpenAI GPT-5.4", 400_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS),
                        "openai.gpt-5.4"),
                chat("gpt-5.4-mini", "gpt", "OpenAI GPT-5.4 mini", 400_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS)),
                chat("claude-fable-5-1", "claude", "Anthropic Claude Fable 5.1", 1_000_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS),
                        "anthropic.claude-fable-5-1"),
                chat("claude-opus-5-5", "claude", "Anthropic Claude Opus 5.5", 1_000_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS),
                        "anthropic.claude-opus-5-5"),
                chat("claude-sonnet-5-5", "claude", "Anthropic Claude Sonnet 5.5", 1_000_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS)),
                chat("claude-haiku-5-5", "claude", "Anthropic Claude Haiku 5.5", 1_000_000, 128_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS)),
                chat("claude-opus-4-5", "claude", "Anthropic Claude Opus 4.5", 200_000, 64_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS)),
                chat("claude-sonnet-4-5", "claude", "Anthropic Claude Sonnet 4.5", 200_000, 64_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS)),
                chat("claude-haiku-4-5", "claude", "Anthropic Claude Haiku 4.5", 200_000, 64_000, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS),
                        "claude-haiku-4-5-20251001"),
                chat("llama-4-maverick", "llama", "Meta Llama 4 Maverick", 1_000_000, 8_192, Set.of(TOOLS, VISION, DOCUMENTS)),
                chat("llama-3.3-70b", "llama", "Meta Llama 3.3 70B Instruct", 128_000, 8_192, Set.of(TOOLS, DOCUMENTS)),
                chat("nova-pro", "nova", "Amazon Nova Pro", 300_000, 10_000, Set.of(TOOLS, VISION, PROMPT_CACHE, DOCUMENTS)),
                chat("nova-lite", "nova", "Amazon Nova Lite", 300_000, 10_000, Set.of(TOOLS, VISION, PROMPT_CACHE, DOCUMENTS)),
                chat("mistral-large", "mistral", "Mistral Large", 128_000, 8_192, Set.of(TOOLS, DOCUMENTS)),
                chat("gemini-3.8-flash", "gemini", "Google Gemini 3.8 Flash", 1_048_576, 65_536, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS)),
                chat("gemini-3.1-pro-preview", "gemini", "Google Gemini 3.1 Pro (preview)", 1_048_576, 65_536, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS)),
                chat("gemini-2.5-pro", "gemini", "Google Gemini 2.5 Pro", 1_048_576, 65_536, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS)),
                chat("gemini-2.5-flash", "gemini", "Google Gemini 2.5 Flash", 1_048_576, 65_536, Set.of(TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS)),
                new ModelEntry("quarry/echo", "quarry", ModelKind.CHAT,
                        "TEST MODEL, not an LLM: echoes the last user message and plays scripted tool calls. For demos, CI and agent tests.",
                        1_000_000, 100_000, Set.of(TOOLS, VISION), List.of("echo"),
                        List.of(new Deployment(ECHO_PROVIDER, "echo")), Price.UNPRICED, true),
                new ModelEntry("quarry/minilm", "quarry", ModelKind.EMBEDDING,
                        "all-MiniLM-L6-v2 sentence embeddings (384 dimensions), run locally on the CPU.",
                        256, 0, Set.of(), List.of("all-minilm-l6-v2"),
                        List.of(new Deployment(MINILM_PROVIDER, "all-MiniLM-L6-v2")), Price.UNPRICED, false));
    }

    /**
     * A frontier chat model without deployments. Aliases are other names clients type for it, such as the
     * dated or Bedrock-style id ({@code openai.gpt-5.6-sol}); the name a deployment sends upstream is the
     * deployment's own {@code model}, set in the configuration, never an alias.
     */
    private static ModelEntry chat(String id, String family, String description, int contextWindow, int maxOutput,
                                   Set<Capability> capabilities, String... aliases) {
        return new ModelEntry(id, family, ModelKind.CHAT, description, contextWindow, maxOutput, capabilities,
                List.of(aliases), List.of(), Price.UNPRICED, false);
    }
}
