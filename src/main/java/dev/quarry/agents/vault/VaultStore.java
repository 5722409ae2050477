package dev.quarry.agents.vault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.model.Page;
import dev.quarry.agents.store.Paging;
import dev.quarry.agents.store.Rows;
import dev.quarry.store.Database;
import dev.quarry.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Vaults, their credentials and the vaults each session was created with. A credential's token is
 * written and read sealed only; the rows the API shows ({@link VaultCredential}) never carry it.
 */
public final class VaultStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VAULT = "SELECT id, owner_id, name, metadata, created_at, updated_at FROM vaults ";
    private static final String CREDENTIAL = "SELECT id, vault_id, name, mcp_server_url, metadata, created_at, updated_at FROM vault_credentials ";

    private final Database db;

    public VaultStore(Database db) {
        this.db = db;
    }

    public void insert(Vault vault) {
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO vaults (id, owner_id, name, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, vault.id());
                s.setString(2, vault.ownerId());
                s.setString(3, vault.name());
                s.setString(4, metadata(vault.metadata()));
                s.setLong(5, vault.createdAt());
                s.setLong(6, vault.updatedAt());
                return s.executeUpdate();
            }
        });
    }

    /** A vault that is not deleted. */
    public Optional<Vault> find(String id) {
        if (!Ids.wellFormed(id)) return Optional.empty();
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(VAULT + "WHERE id = ? AND deleted_at IS NULL")) {
                s.setString(1, id);
                return Rows.one(s, VaultStore::vault);
            }
        });
    }

    /** The owner's vaults that are not deleted, in id (creation) order. */
    public Page<Vault> list(String ownerId, ListQuery query) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(VAULT + "WHERE owner_id = ? AND deleted_at IS NULL" + Paging.tail("id", query))) {
                s.setString(1, ownerId);
                Paging.bind(s, 1, query);
                return Paging.read(s, query, VaultStore::vault);
            }
        });
    }

    /** Writes a vault's new name and metadata; false when it is deleted meanwhile. */
    public boolean update(Vault changed) {
        return db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE vaults SET name = ?, metadata = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL")) {
                s.setString(1, changed.name());
                s.setString(2, metadata(changed.metadata()));
                s.setLong(3, changed.updatedAt());
                s.setString(4, changed.id());
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Marks a vault and its credentials deleted: no session opens them again. False when it already was. */
    public boolean delete(String id, long now) {
        return db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE vaults SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL");
                 PreparedStatement creds = c.prepareStatement("UPDATE vault_credentials SET deleted_at = ? WHERE vault_id = ? AND deleted_at IS NULL")) {
                s.setLong(1, now);
                s.setString(2, id);
                if (s.executeUpdate() != 1) return false;
                creds.setLong(1, now);
                creds.setString(2, id);
                creds.executeUpdate();
                return true;
            }
        });
    }

    /** Stores a credential with its token, already sealed. */
    public void insert(VaultCredential credential, String sealedToken) {
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO vault_credentials (id, vault_id, name, mcp_server_url, sealed_token, metadata, "
                    + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, credential.id());
                s.setString(2, credential.vaultId());
                s.setString(3, credential.name());
                s.setString(4, credential.mcpServerUrl());
                s.setString(5, sealedToken);
                s.setString(6, metadata(credential.metadata()));
                s.setLong(7, credential.createdAt());
                s.setLong(8, credential.updatedAt());
                return s.executeUpdate();
            }
        });
    }

    /** A credential of a vault, neither deleted. */
    public Optional<VaultCredential> credential(String vaultId, String id) {
        if (!Ids.wellFormed(id)) return Optional.empty();
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(CREDENTIAL + "WHERE id = ? AND vault_id = ? AND deleted_at IS NULL")) {
                s.setString(1, id);
                s.setString(2, vaultId);
                return Rows.one(s, VaultStore::credential);
            }
        });
    }

    /** A credential that is not deleted, whichever vault it is in. */
    public Optional<VaultCredential> credential(String id) {
        if (!Ids.wellFormed(id)) return Optional.empty();
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(CREDENTIAL + "WHERE id = ? AND deleted_at IS NULL")) {
                s.setString(1, id);
                return Rows.one(s, VaultStore::credential);
            }
        });
    }

    public Page<VaultCredential> credentials(String vaultId, ListQuery query) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(CREDENTIAL + "WHERE vault_id = ? AND deleted_at IS NULL" + Paging.tail("id", query))) {
                s.setString(1, vaultId);
                Paging.bind(s, 1, query);
                return Paging.read(s, query, VaultStore::credential);
            }
        });
    }

    /**
     * Writes a credential's new metadata and, when rotated, its new sealed token ({@code null}:
     * unchanged); false when it is deleted meanwhile.
     */
    public boolean update(VaultCredential changed, String sealedToken) {
        return db.transaction(c -> {
            String rotate = sealedToken == null ? "" : ", sealed_token = ?";
            try (PreparedStatement s = c.prepareStatement("UPDATE vault_credentials SET metadata = ?, updated_at = ?" + rotate
                    + " WHERE id = ? AND vault_id = ? AND deleted_at IS NULL")) {
                int i = 0;
                s.setString(++i, metadata(changed.metadata()));
                s.setLong(++i, changed.updatedAt());
                if (sealedToken != null) s.setString(++i, sealedToken);
                s.setString(++i, changed.id());
                s.setString(++i, changed.vaultId());
                return s.executeUpdate() == 1;
            }
        });
    }

    public boolean deleteCredential(String vaultId, String id, long now) {
        return db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE vault_credentials SET deleted_at = ? WHERE id = ? AND vault_id = ? AND deleted_at IS NULL")) {
                s.setLong(1, now);
                s.setString(2, id);
                s.setString(3, vaultId);
                return s.executeUpdate() == 1;
            }
        });
    }

    /** The sealed token of a credential whose vault is not deleted either. */
    public Optional<String> sealedToken(String vaultId, String id) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT k.sealed_token FROM vault_credentials k JOIN vaults v ON v.id = k.vault_id "
                    + "WHERE k.id = ? AND k.vault_id = ? AND k.deleted_at IS NULL AND v.deleted_at IS NULL")) {
                s.setString(1, id);
                s.setString(2, vaultId);
                return Rows.one(s, r -> r.getString(1));
            }
        });
    }

    /** Records the vaults a session was created with, in the order given. */
    public void attach(String sessionId, List<String> vaultIds) {
        if (vaultIds.isEmpty()) return;
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO agent_session_vaults (session_id, vault_id, position) VALUES (?, ?, ?)")) {
                for (int i = 0; i < vaultIds.size(); i++) {
                    s.setString(1, sessionId);
                    s.setString(2, vaultIds.get(i));
                    s.setInt(3, i);
                    s.addBatch();
                }
                return s.executeBatch();
            }
        });
    }

    /** The vaults a session was created with, in their order (deleted ones too: opening their credentials fails). */
    public List<String> sessionVaults(String sessionId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT vault_id FROM agent_session_vaults WHERE session_id = ? ORDER BY position")) {
                s.setString(1, sessionId);
                List<String> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) out.add(r.getString(1));
                }
                return out;
            }
        });
    }

    private static Vault vault(ResultSet r) throws SQLException {
        return new Vault(r.getString("id"), r.getString("owner_id"), r.getString("name"), metadata(r.getString("metadata")),
                r.getLong("created_at"), r.getLong("updated_at"));
    }

    private static VaultCredential credential(ResultSet r) throws SQLException {
        return new VaultCredential(r.getString("id"), r.getString("vault_id"), r.getString("name"), r.getString("mcp_server_url"),
                metadata(r.getString("metadata")), r.getLong("created_at"), r.getLong("updated_at"));
    }

    private static String metadata(Map<String, String> metadata) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(metadata));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> metadata(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
        } catch (JsonProcessingException e) {
            throw new StoreException("a vault's metadata in the store is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
