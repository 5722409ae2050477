package dev.quarry.agents.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.model.SecretBox;
import dev.quarry.identity.Principal;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.testing.AllowedCaller;
import dev.quarry.testing.StoreTargets;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Vaults, their credentials and sessions' vaults in the store, on SQLite and PostgreSQL. */
class VaultStoreTest {
    /** A box that binds a value to its context, as the master key does, and shows whether a stored value is sealed. */
    static final SecretBox BOX = new SecretBox() {
        @Override
        public String seal(String plain, String context) {
            return "sealed:" + Base64.getEncoder().encodeToString((context + "\n" + plain).getBytes(StandardCharsets.UTF_8)).replace('A', '~');
        }

        @Override
        public String open(String sealed, String context) {
            String text = new String(Base64.getDecoder().decode(sealed.substring("sealed:".length()).replace('~', 'A')), StandardCharsets.UTF_8);
            if (!text.startsWith(context + "\n")) throw new IllegalStateException("sealed for another context");
            return text.substring(context.length() + 1);
        }
    };

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void vaultsListByOwnerInIdOrderWithoutTheDeleted(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            VaultStore store = new VaultStore(db);
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Vault vault = new Vault(Ids.next(Vaults.VAULT, 1_000 + i), "owner", "v" + i, Map.of("k", "v" + i), 1_000 + i, 1_000 + i);
                store.insert(vault);
                mine.add(vault.id());
            }
            store.insert(new Vault(Ids.next(Vaults.VAULT, 2_000), "other", "theirs", Map.of(), 2_000, 2_000));

            assertThat(store.list("owner", new ListQuery(null, 2, true, null)).data()).extracting(Vault::id).containsExactlyElementsOf(mine.subList(0, 2));
            assertThat(store.list("owner", new ListQuery(null, 2, true, null)).hasMore()).isTrue();
            assertThat(store.list("owner", new ListQuery(mine.get(2), 10, false, null)).data()).extracting(Vault::id)
                    .containsExactly(mine.get(1), mine.get(0));
            assertThat(store.find(mine.get(1)).orElseThrow().metadata()).containsExactly(Map.entry("k", "v1"));

            Vault renamed = new Vault(mine.get(1), "owner", "renamed", Map.of(), 1_001, 3_000);
            assertThat(store.update(renamed)).isTrue();
            assertThat(store.find(mine.get(1)).orElseThrow()).isEqualTo(renamed);

            assertThat(store.delete(mine.get(0), 4_000)).isTrue();
            assertThat(store.delete(mine.get(0), 5_000)).isFalse();
            assertThat(store.find(mine.get(0))).isEmpty();
            assertThat(store.update(new Vault(mine.get(0), "owner", "late", Map.of(), 1_000, 6_000))).isFalse();
            assertThat(store.list("owner", new ListQuery(null, 10, true, null)).data()).hasSize(2);
            assertThat(store.find("not an id\u0000")).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aCredentialsTokenIsStoredSealedRotatedAndGoneWithItsVault(String target) throws Exception {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            VaultStore store = new VaultStore(db);
            Vaults vaults = new Vaults(store, BOX, java.time.Clock.systemUTC());
            var owner = new AllowedCaller(new Principal("owner", "owner", PrincipalKind.USER));
            Vault vault = vaults.create(owner, new VaultDraft("tokens", Map.of()));
            VaultCredential credential = vaults.addCredential(owner, vault.id(),
                    new CredentialDraft("github", "https://mcp.example.com/mcp", "tok-one-SECRET", Map.of("team", "blue")));
            VaultKeys keys = new VaultKeys(store, BOX);

            assertThat(tableText(db, "vault_credentials")).doesNotContain("tok-one-SECRET");
            assertThat(store.credential(vault.id(), credential.id())).contains(credential);
            assertThat(store.credential(credential.id())).contains(credential);
            assertThat(keys.open(vault.id(), credential.id())).isEqualTo("tok-one-SECRET");

            // Not attached to the session: not usable, and the message names the credential only.
            String session = Ids.next("sess_", 1_000);
            assertThatThrownBy(() -> keys.vaultOf(session, credential.id(), "https://mcp.example.com/mcp")).isInstanceOf(VaultKeys.Unusable.class)
                    .hasMessageContaining(credential.id()).hasMessageContaining("vault_ids").hasMessageNotContaining("tok-one");
            store.attach(session, List.of(vault.id()));
            assertThat(store.sessionVaults(session)).containsExactly(vault.id());
            assertThat(keys.vaultOf(session, credential.id(), "https://mcp.example.com/mcp")).isEqualTo(vault.id());
            assertThat(keys.vaultOf(session, credential.id(), "https://mcp.example.com/mcp/")).isEqualTo(vault.id());
            // Never sent to another server than the one it is for.
            assertThatThrownBy(() -> keys.vaultOf(session, credential.id(), "https://attacker.example/mcp")).isInstanceOf(VaultKeys.Unusable.class)
                    .hasMessageContaining(credential.id()).hasMessageContaining("another MCP server");

            // A sealed token copied to another credential's row does not open there.
            VaultCredential other = vaults.addCredential(owner, vault.id(), new CredentialDraft("other", "https://mcp.example.com/mcp", "tok-two", Map.of()));
            String sealedOne = store.sealedToken(vault.id(), credential.id()).orElseThrow();
            store.update(other, sealedOne);
            assertThatThrownBy(() -> keys.open(vault.id(), other.id())).isInstanceOf(VaultKeys.Unusable.class).hasMessageContaining(other.id());

            vaults.changeCredential(owner, vault.id(), credential.id(), new CredentialChange("tok-rotated", null));
            assertThat(keys.open(vault.id(), credential.id())).isEqualTo("tok-rotated");
            assertThat(store.credential(vault.id(), credential.id()).orElseThrow().metadata()).containsEntry("team", "blue");
            assertThat(store.credentials(vault.id(), new ListQuery(null, 10, true, null)).data()).extracting(VaultCredential::id)
                    .containsExactly(credential.id(), other.id());

            assertThat(store.deleteCredential(vault.id(), other.id(), 9_000)).isTrue();
            assertThat(store.deleteCredential(vault.id(), other.id(), 9_001)).isFalse();
            assertThat(store.delete(vault.id(), 10_000)).isTrue();
            assertThat(store.credential(credential.id())).isEmpty();
            assertThatThrownBy(() -> keys.vaultOf(session, credential.id(), "https://mcp.example.com/mcp")).isInstanceOf(VaultKeys.Unusable.class);
            assertThatThrownBy(() -> keys.open(vault.id(), credential.id())).isInstanceOf(VaultKeys.Unusable.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void theShippedModelAccessGrantsVaultsOnce(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            String document = db.read(c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT document FROM policies WHERE name = 'ModelAccess'"); ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getString(1);
                }
            });
            var statements = dev.quarry.surface.Json.parseObject(document.getBytes(StandardCharsets.UTF_8)).path("Statement");
            List<String> sids = new ArrayList<>();
            statements.forEach(st -> sids.add(st.path("Sid").asText()));
            assertThat(sids).containsSubsequence("AgentTools", "Vaults", "SavedAgents").containsOnlyOnce("Vaults");
            assertThat(document).contains("\"quarry:UseVaultCredential\"],\"Resource\":\"vault/*\"");
        }
    }

    /** Every value of every row of {@code table}, as text. */
    private static String tableText(Database db, String table) {
        return db.read(c -> {
            StringBuilder out = new StringBuilder();
            try (PreparedStatement s = c.prepareStatement("SELECT * FROM " + table); ResultSet r = s.executeQuery()) {
                int columns = r.getMetaData().getColumnCount();
                while (r.next()) for (int i = 1; i <= columns; i++) out.append(r.getString(i)).append('|');
            }
            return out.toString();
        });
    }
}
