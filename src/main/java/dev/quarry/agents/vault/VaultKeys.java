package dev.quarry.agents.vault;

import dev.quarry.agents.model.SecretBox;

/**
 * Opens the token of a vault credential for a run of a turn: only a credential of a vault the
 * session was created with, which neither is deleted, for the MCP server the credential names
 * ({@code mcp_server_url}: a token is never sent to another server, whatever URL an agent gives). Whether the session's principal may use it
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

    /**
     * The vault of credential {@code credentialId}, when it is one of the session's vaults and is for
     * the server at {@code serverUrl}. A credential that does not exist and one in another vault get
     * the same answer: a session learns nothing of vaults it was not created with.
     */
    public String vaultOf(String sessionId, String credentialId, String serverUrl) throws Unusable {
        VaultCredential credential = store.credential(credentialId).filter(c -> store.sessionVaults(sessionId).contains(c.vaultId()))
                .orElseThrow(() -> new Unusable("the vault credential '" + credentialId
                        + "' is not in a vault this session was created with (vault_ids)"));
        if (!sameServer(credential.mcpServerUrl(), serverUrl)) {
            throw new Unusable("the vault credential '" + credentialId + "' is for another MCP server (its mcp_server_url)");
        }
        return credential.vaultId();
    }

    /** The same URL, but for a trailing slash on either. */
    private static boolean sameServer(String a, String b) {
        return strip(a).equals(strip(b));
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
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
