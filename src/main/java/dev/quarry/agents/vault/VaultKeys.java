package dev.quarry.agents.vault;

import dev.quarry.agents.model.SecretBox;

/**
 * Opens the token of a vault credential for a run of a turn: only a credential of a vault the
 * session was created with, which neither is deleted. Whether the session's principal may use it
 * ({@code quarry:UseVaultCredential}) is asked by the runtime, through the gateway, between
 * {@link #vaultOf} and {@link #open}.
 */
public final class VaultKeys {
    private final VaultStore store;
    private final SecretBox secrets;

    public VaultKeys(VaultStore store, SecretBox secrets) {
        this.store = store;
        this.secrets = secrets;
    }

    /** Why a credential cannot be used in this run; the message names the credential, never its token. */
    public static final class Unusable extends Exception {
        public Unusable(String message) {
            super(message, null, false, false);
        }
    }

    /** The vault of credential {@code credentialId}, when it is one of the session's vaults. */
    public String vaultOf(String sessionId, String credentialId) throws Unusable {
        VaultCredential credential = store.credential(credentialId)
                .orElseThrow(() -> new Unusable("the vault credential '" + credentialId + "' does not exist"));
        if (!store.sessionVaults(sessionId).contains(credential.vaultId())) {
            throw new Unusable("the vault credential '" + credentialId + "' is in a vault this session was not created with (vault_ids)");
        }
        return credential.vaultId();
    }

    /** The credential's token, in the clear: for the {@code Authorization} header of this run only. */
    public String open(String vaultId, String credentialId) throws Unusable {
        String sealed = store.sealedToken(vaultId, credentialId)
                .orElseThrow(() -> new Unusable("the vault credential '" + credentialId + "' or its vault was deleted"));
        try {
            return secrets.open(sealed, Vaults.context(vaultId, credentialId));
        } catch (IllegalStateException e) {
            throw new Unusable("the vault credential '" + credentialId + "' cannot be opened with this Quarry's master key");
        }
    }
}
