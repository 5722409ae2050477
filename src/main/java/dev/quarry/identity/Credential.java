package dev.quarry.identity;

/**
 * What a client presented to prove who it is. Each surface extracts it from its own headers
 * (OpenAI: {@code Authorization: Bearer}; Anthropic: {@code x-api-key} too); the authenticator
 * decides.
 */
public sealed interface Credential {
    /** Nothing was presented. */
    record None() implements Credential {}

    /** A Quarry API key. */
    record ApiKey(String secret) implements Credential {}

    Credential NONE = new None();

    /** An API key when {@code secret} has text, else {@link #NONE}. */
    static Credential apiKey(String secret) {
        return secret == null || secret.isBlank() ? NONE : new ApiKey(secret.strip());
    }
}
