package dev.quarry.identity;

import dev.quarry.aws.SignableRequest;
import dev.quarry.canonical.QuarryError;

/**
 * What a client presented to prove who it is. Each surface extracts it from its own headers
 * (OpenAI: {@code Authorization: Bearer}; Anthropic: {@code x-api-key} too; Bedrock: a SigV4
 * signature or a bearer key); the authenticator decides.
 */
public sealed interface Credential {
    /** Nothing was presented. */
    record None() implements Credential {}

    /** A Quarry API key. */
    record ApiKey(String secret) implements Credential {}

    /**
     * A request signed with AWS Signature Version 4 by an access key pair. It carries the signed
     * request itself (path, query, headers, body hash), since verifying is recomputing the
     * signature, and the signing name the request must be scoped to (e.g. {@code bedrock}).
     */
    record SigV4(SignableRequest request, String service) implements Credential {}

    /**
     * A credential that could not even be read: a SigV4 signature covers the body, so a body too
     * large or not JSON leaves nothing to verify. Authenticating it fails with {@code problem},
     * inside the pipeline, so that the refusal is audited like any failed authentication.
     */
    record Unreadable(QuarryError problem) implements Credential {}

    Credential NONE = new None();

    /** An API key when {@code secret} has text, else {@link #NONE}. */
    static Credential apiKey(String secret) {
        return secret == null || secret.isBlank() ? NONE : new ApiKey(secret.strip());
    }
}
