package dev.quarry.agents.service;

import dev.quarry.agents.model.EnvironmentCredential;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.SecretBox;
import dev.quarry.agents.store.DialOutStore;
import dev.quarry.aws.SigV4;
import dev.quarry.aws.SigV4Authorization;
import dev.quarry.aws.SigV4Exception;
import dev.quarry.aws.SignableRequest;
import dev.quarry.identity.AccessKeys;
import java.time.Instant;
import java.util.Set;

/**
 * Admits an executor dialing out to Quarry for one environment: its request (the registration, then
 * the WebSocket upgrade) must be SigV4-signed with that environment's own credential, for the
 * signing name {@code quarry} or {@code bedrock-mantle} (the executor's {@code --aws-service}), in
 * any AWS region, within five minutes of now. Mints those credentials, sealed for the store.
 */
public final class DialOutGate {
    /** The signing names an executor may sign for: Quarry's own, and the one of Bedrock's OpenAI-compatible endpoint. */
    public static final Set<String> SIGNING_NAMES = Set.of("quarry", "bedrock-mantle");

    private final DialOutStore store;
    private final SecretBox secrets;

    public DialOutGate(DialOutStore store, SecretBox secrets) {
        this.store = store;
        this.secrets = secrets;
    }

    /** A refusal: 403, its message safe to show (no secret, no signature). */
    public static final class Refused extends RuntimeException {
        private final String credentialEnvironment;

        Refused(String message, String credentialEnvironment) {
            super(message, null, false, false);
            this.credentialEnvironment = credentialEnvironment;
        }

        /** When a valid credential of another environment was used, that environment's id (an attempt worth auditing); else {@code null}. */
        public String credentialEnvironment() {
            return credentialEnvironment;
        }
    }

    /** A new credential for an environment, and the same with its secret sealed, for the store. */
    record Minted(EnvironmentCredential credential, DialOutStore.StoredCredential stored) {}

    static Minted mint(String environmentId, SecretBox secrets) {
        var credential = new EnvironmentCredential(AccessKeys.newId(EnvironmentCredential.PREFIX), AccessKeys.newSecret());
        return new Minted(credential, new DialOutStore.StoredCredential(credential.accessKeyId(), environmentId,
                secrets.seal(credential.secretAccessKey(), context(environmentId, credential.accessKeyId()))));
    }

    /**
     * The environment {@code request} may connect to.
     *
     * @throws Refused unsigned, an unknown or revoked key, a wrong signature or signing name, a stale
     *                 signature, another environment's credential, or no such dial-out environment
     */
    public DialOutStore.DialOutEnvironment admit(String environmentId, SignableRequest request, Instant now) {
        String header = request.header(SigV4Authorization.HEADER);
        if (!SigV4Authorization.claimedBy(header)) {
            throw new Refused("The request must be signed (AWS4-HMAC-SHA256) with the environment's credential.", null);
        }
        try {
            SigV4Authorization authorization = SigV4Authorization.parse(header);
            DialOutStore.StoredCredential credential = store.credential(authorization.accessKeyId())
                    .orElseThrow(() -> new Refused("The access key '" + authorization.accessKeyId() + "' is not an environment credential.", null));
            String service = authorization.scope().service();
            if (!SIGNING_NAMES.contains(service)) {
                throw new Refused("Credential should be scoped to 'quarry' or 'bedrock-mantle', not '" + service + "'.", null);
            }
            String secret = secrets.open(credential.sealedSecret(), context(credential.environmentId(), credential.accessKeyId()));
            SigV4.verify(request, authorization, secret, service, now);
            if (!credential.environmentId().equals(environmentId)) {
                throw new Refused("The access key '" + credential.accessKeyId() + "' is the credential of another environment, not of '"
                        + shown(environmentId) + "'.", credential.environmentId());
            }
            return store.environment(environmentId)
                    .orElseThrow(() -> new Refused("The environment '" + shown(environmentId) + "' does not take executors dialing out.", null));
        } catch (SigV4Exception e) {
            throw new Refused(e.getMessage(), null);
        }
    }

    private static String context(String environmentId, String accessKeyId) {
        return "agent-environment/" + environmentId + "/credential/" + accessKeyId;
    }

    private static String shown(String id) {
        return Ids.wellFormed(id) ? id : "(malformed id)";
    }
}
