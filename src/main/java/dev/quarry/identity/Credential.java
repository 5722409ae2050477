package dev.quarry.identity;

import dev.quarry.aws.SignableRequest;
import dev.quarry.canonical.QuarryError;
import java.time.Instant;
import java.util.Objects;

/**
 * What a client presented to prove who it is. Each surface extracts it from its own headers
 * (OpenAI: {@code Authorization: Bearer}; Anthropic: {@code x-api-key} too; Bedrock: a SigV4
 * signature or a bearer key); the authenticator decides. {@link Harness} is the exception: Quarry
 * makes it for the model calls of its own agent sessions, and no request can carry it.
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

    /**
     * The identity a managed-agent session runs as, for the model calls its harness makes through
     * the gateway. Nothing is presented, so nothing is verified: the authenticator checks only that
     * the principals still exist, so deleting a user stops its agents at their next model call.
     *
     * @param principalId  the session's owner: a user or service, or a role when the session runs as one
     * @param onBehalfOfId for a session running as a role, the principal it acts for (the one who
     *                     assumed the role); {@code null} otherwise
     * @param until        for a session running as a role, when that acting ends (the turn's deadline);
     *                     {@code null} otherwise
     */
    record Harness(String principalId, String onBehalfOfId, Instant until) implements Credential {
        public Harness {
            Objects.requireNonNull(principalId, "principalId");
            if ((onBehalfOfId == null) != (until == null)) {
                throw new IllegalArgumentException("a role's acting needs both whom it acts for and until when (got "
                        + onBehalfOfId + ", " + until + ")");
            }
        }
    }

    Credential NONE = new None();

    /** An API key when {@code secret} has text, else {@link #NONE}. */
    static Credential apiKey(String secret) {
        return secret == null || secret.isBlank() ? NONE : new ApiKey(secret.strip());
    }
}
