package dev.quarry.agents.vault;

import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.model.Page;
import dev.quarry.agents.model.SecretBox;
import dev.quarry.agents.store.Visible;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.Acting;
import java.time.Clock;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Vaults and their credentials as the API sees them: each answers its owner only (anyone else's
 * is a 404, as one that does not exist), and a credential's token is sealed here, bound to its
 * vault and credential id, before anything stores it. Logged by id only.
 */
public final class Vaults {
    private static final Logger LOG = Logger.getLogger(Vaults.class.getName());
    public static final String VAULT = "vault_";
    public static final String CREDENTIAL = "cred_";
    /** The most vaults one session may be created with. */
    public static final int MAX_SESSION_VAULTS = 20;

    private final VaultStore store;
    private final SecretBox secrets;
    private final Clock clock;

    public Vaults(VaultStore store, SecretBox secrets, Clock clock) {
        this.store = store;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** What a credential's token is sealed for: a sealed token copied to another credential's row does not open. */
    static String context(String vaultId, String credentialId) {
        return "vault/" + vaultId + "/credential/" + credentialId;
    }

    public Vault create(Acting caller, VaultDraft draft) {
        long now = clock.millis();
        Vault vault = new Vault(Ids.next(VAULT, now), caller.caller().id(), draft.name(), draft.metadata(), now, now);
        store.insert(vault);
        LOG.info(() -> "vault " + vault.id() + " created by " + vault.ownerId());
        return vault;
    }

    public Vault get(Acting caller, String id) {
        return store.find(id).filter(v -> v.ownerId().equals(caller.caller().id())).orElseThrow(() -> missing("vault", id, "vault_id"));
    }

    /** The caller's vaults that {@code visible} admits (a Deny of reading one hides it), in full pages. */
    public Page<Vault> list(Acting caller, ListQuery query, Predicate<Vault> visible) {
        return Visible.page(query, q -> store.list(caller.caller().id(), q), visible, Vault::id);
    }

    /** Renames a vault and/or replaces its metadata. */
    public Vault update(Acting caller, String id, VaultDraft change) {
        Vault vault = get(caller, id);
        Vault changed = new Vault(vault.id(), vault.ownerId(), change.name() == null ? vault.name() : change.name(),
                change.metadata() == null ? vault.metadata() : change.metadata(), vault.createdAt(), clock.millis());
        if (!store.update(changed)) throw missing("vault", id, "vault_id");
        return changed;
    }

    /** Deletes a vault with its credentials: the sessions created with it connect their servers without them from their next run. */
    public void delete(Acting caller, String id) {
        get(caller, id);
        if (!store.delete(id, clock.millis())) throw missing("vault", id, "vault_id");
        LOG.info(() -> "vault " + id + " deleted");
    }

    public VaultCredential addCredential(Acting caller, String vaultId, CredentialDraft draft) {
        Vault vault = get(caller, vaultId);
        long now = clock.millis();
        VaultCredential credential = new VaultCredential(Ids.next(CREDENTIAL, now), vault.id(), draft.name(), draft.mcpServerUrl(),
                draft.metadata(), now, now);
        store.insert(credential, secrets.seal(draft.token(), context(vault.id(), credential.id())));
        LOG.info(() -> "vault " + vault.id() + ": credential " + credential.id() + " created");
        return credential;
    }

    public VaultCredential credential(Acting caller, String vaultId, String id) {
        Vault vault = get(caller, vaultId);
        return store.credential(vault.id(), id).orElseThrow(() -> missing("credential", id, "credential_id"));
    }

    public Page<VaultCredential> credentials(Acting caller, String vaultId, ListQuery query) {
        return store.credentials(get(caller, vaultId).id(), query);
    }

    /** Rotates a credential's token and/or replaces its metadata: a rotation takes effect at the next run of a turn. */
    public VaultCredential changeCredential(Acting caller, String vaultId, String id, CredentialChange change) {
        VaultCredential credential = credential(caller, vaultId, id);
        VaultCredential changed = new VaultCredential(credential.id(), credential.vaultId(), credential.name(), credential.mcpServerUrl(),
                change.metadata() == null ? credential.metadata() : change.metadata(), credential.createdAt(), clock.millis());
        String sealed = change.token() == null ? null : secrets.seal(change.token(), context(credential.vaultId(), credential.id()));
        if (!store.update(changed, sealed)) throw missing("credential", id, "credential_id");
        if (sealed != null) LOG.info(() -> "vault " + vaultId + ": credential " + id + " rotated");
        return changed;
    }

    public void deleteCredential(Acting caller, String vaultId, String id) {
        credential(caller, vaultId, id);
        if (!store.deleteCredential(vaultId, id, clock.millis())) throw missing("credential", id, "credential_id");
        LOG.info(() -> "vault " + vaultId + ": credential " + id + " deleted");
    }

    /**
     * Checks the {@code vault_ids} a session is created with: each must be a vault of the
     * session's owner (400 otherwise, naming it: a request that names what is not there is a bad
     * request, not a missing resource).
     */
    public void requireAttachable(String ownerId, List<String> vaultIds) {
        for (int i = 0; i < vaultIds.size(); i++) {
            String id = vaultIds.get(i);
            if (store.find(id).filter(v -> v.ownerId().equals(ownerId)).isEmpty()) {
                throw QuarryException.invalid("vault_ids[" + i + "]", "No vault found with id '" + shown(id) + "'.");
            }
        }
    }

    public void attach(String sessionId, List<String> vaultIds) {
        store.attach(sessionId, vaultIds);
    }

    public List<String> sessionVaults(String sessionId) {
        return store.sessionVaults(sessionId);
    }

    private static QuarryException missing(String what, String id, String param) {
        return new QuarryException(new QuarryError(ErrorKind.NOT_FOUND, "No " + what + " found with id '" + shown(id) + "'.", param, null));
    }

    /** An id no longer than 64 characters is shown whole; a longer one (no id is) is cut, so the answer stays small. */
    private static String shown(String id) {
        return id.length() > 64 ? id.substring(0, 64) + "…" : id;
    }
}
