package dev.quarry.agents.runtime;

import dev.quarry.agents.model.Ids;
import dev.quarry.agents.vault.VaultKeys;
import dev.quarry.gateway.Exchange;
import dev.quarry.gateway.Origin;
import dev.quarry.gateway.Outcome;
import dev.quarry.gateway.PlatformCall;
import dev.quarry.identity.Credential;
import dev.quarry.policy.Actions;

/**
 * A run's use of its session's vault credentials. Each use is a platform call down the gateway,
 * as a tool call is: authenticated as the session, authorized as {@code quarry:UseVaultCredential}
 * on {@code vault/<id>/credential/<cid>} and audited with the session and turn (by ids: the token
 * is opened only after the call is allowed, and is no part of it). Opened at each run, so a
 * rotation takes effect at the next one.
 */
final class VaultUse implements TurnTools.VaultCredentials {
    private final RuntimeParts parts;
    private final String sessionId;
    private final Credential credential;
    private final String sourceIp;
    private final Origin origin;

    VaultUse(RuntimeParts parts, String sessionId, Credential credential, String sourceIp, Origin origin) {
        this.parts = parts;
        this.sessionId = sessionId;
        this.credential = credential;
        this.sourceIp = sourceIp;
        this.origin = origin;
    }

    @Override
    public String token(String credentialId, String serverUrl) throws VaultKeys.Unusable {
        String vaultId = parts.vaults().vaultOf(sessionId, credentialId, serverUrl);
        PlatformCall use = new PlatformCall(Actions.USE_VAULT_CREDENTIAL,
                new PlatformCall.Target.Known("vault/" + vaultId + "/credential/" + credentialId), () -> null, context -> Boolean.TRUE);
        Outcome outcome = parts.gateway().perform(Exchange.platform(Ids.next("req_", parts.clock().millis()), TurnRunner.SURFACE, use,
                credential, sourceIp, TurnRunner.USER_AGENT).withOrigin(origin));
        return switch (outcome) {
            case Outcome.Performed performed -> parts.vaults().open(vaultId, credentialId);
            case Outcome.Rejected rejected -> throw new VaultKeys.Unusable("the use of the vault credential '" + credentialId + "' was refused: "
                    + rejected.error().message());
            default -> throw new IllegalStateException("a vault credential's use ended with " + outcome.getClass().getSimpleName());
        };
    }
}
