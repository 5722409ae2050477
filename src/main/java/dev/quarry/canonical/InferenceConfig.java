package dev.quarry.canonical;

import java.util.List;

/** Sampling and length settings; {@code null} means "the provider's default". */
public record InferenceConfig(Integer maxTokens, Double temperature, Double topP, List<String> stopSequences) {
    public static final InferenceConfig DEFAULTS = new InferenceConfig(null, null, null, List.of());

    public InferenceConfig {
        stopSequences = stopSequences == null ? List.of() : List.copyOf(stopSequences);
    }
}
