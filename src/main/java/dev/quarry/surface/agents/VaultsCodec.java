package dev.quarry.surface.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.vault.CredentialChange;
import dev.quarry.agents.vault.CredentialDraft;
import dev.quarry.agents.vault.Vault;
import dev.quarry.agents.vault.VaultCredential;
import dev.quarry.agents.vault.VaultDraft;
import dev.quarry.agents.vault.Vaults;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Vaults on the wire, as the OpenAI SDKs' {@code beta.agents.vaults} have them: a vault
 * {@code {id, object:"vault", name, metadata, created_at}}; a credential {@code {id,
 * object:"vault.credential", vault_id, name, auth:{type:"static_bearer", mcp_server_url},
 * metadata, created_at, updated_at}}. The token is accepted in {@code auth.token} on create and on
 * update (a rotation) and never written back. Of the SDK's credential types Quarry keeps
 * {@code static_bearer} only.
 */
public final class VaultsCodec {
    private static final Set<String> VAULT_FIELDS = Set.of("name", "metadata");
    private static final Set<String> CREDENTIAL_CREATE_FIELDS = Set.of("name", "auth", "metadata");
    private static final Set<String> CREDENTIAL_UPDATE_FIELDS = Set.of("auth", "metadata");
    private static final String STATIC_BEARER = "static_bearer";

    private VaultsCodec() {}

    // ---- requests ----

    /** A vault's create or update body: {@code name} and {@code metadata}, both optional. */
    public static VaultDraft vault(ObjectNode body, boolean creating) {
        AgentsCodec.known(body, VAULT_FIELDS, "");
        return new VaultDraft(AgentsCodec.name(Json.optText(body, "name", "name"), "name"),
                AgentsCodec.metadata(body, "metadata", creating ? Map.of() : null));
    }

    /** A credential's create body: {@code name} and {@code auth: {type: "static_bearer", token, mcp_server_url}}. */
    public static CredentialDraft credential(ObjectNode body) {
        AgentsCodec.known(body, CREDENTIAL_CREATE_FIELDS, "");
        String name = AgentsCodec.name(Json.requireText(body, "name", "name"), "name");
        if (name.isBlank()) throw QuarryException.invalid("name", "'name' must not be empty.");
        JsonNode auth = staticBearer(body, Set.of("type", "token", "mcp_server_url"));
        String url = ToolsCodec.serverUrl(Json.requireText(auth, "mcp_server_url", "auth.mcp_server_url"), "auth.mcp_server_url");
        return new CredentialDraft(name, url, token(auth), AgentsCodec.metadata(body, "metadata", Map.of()));
    }

    /** A credential's update body: a new {@code auth.token} (a rotation) and/or new {@code metadata}. */
    public static CredentialChange credentialChange(ObjectNode body) {
        AgentsCodec.known(body, CREDENTIAL_UPDATE_FIELDS, "");
        JsonNode auth = body.get("auth");
        String token = auth == null || auth.isNull() ? null : token(staticBearer(body, Set.of("type", "token")));
        return new CredentialChange(token, AgentsCodec.metadata(body, "metadata", null));
    }

    /**
     * A session's {@code vault_ids}: distinct vault ids, at most {@value Vaults#MAX_SESSION_VAULTS};
     * whether each is a vault of the session's owner is checked when the session is created.
     */
    static List<String> vaultIds(JsonNode body) {
        List<JsonNode> values = Json.optArray(body, "vault_ids", "vault_ids");
        if (values.size() > Vaults.MAX_SESSION_VAULTS) {
            throw QuarryException.invalid("vault_ids", "'vault_ids' may name at most " + Vaults.MAX_SESSION_VAULTS + " vaults.");
        }
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String param = "vault_ids[" + i + "]";
            JsonNode value = values.get(i);
            if (!value.isTextual() || !Ids.wellFormed(value.textValue())) throw QuarryException.invalid(param, "'" + param + "' must be a vault id.");
            if (!seen.add(value.textValue())) throw QuarryException.invalid(param, "'" + param + "' names a vault already given.");
            ids.add(value.textValue());
        }
        return ids;
    }

    private static JsonNode staticBearer(ObjectNode body, Set<String> fields) {
        JsonNode auth = Json.requireObject(body, "auth", "auth");
        String type = Json.requireText(auth, "type", "auth.type");
        if (type.equals("mcp_oauth") || type.equals("environment_variable")) {
            throw QuarryException.unsupported("auth.type", "Credentials of type '" + type + "' are not supported: Quarry keeps 'static_bearer' tokens.");
        }
        if (!type.equals(STATIC_BEARER)) {
            throw QuarryException.invalid("auth.type", "Unknown credential type: expected 'static_bearer'.");
        }
        AgentsCodec.known(auth, fields, "auth.");
        return auth;
    }

    /** The token: one line of ISO-8859-1 text (it becomes a header), at most 8 KiB; never echoed in an error. */
    private static String token(JsonNode auth) {
        String token = ToolsCodec.secret(Json.requireText(auth, "token", "auth.token"), "auth.token");
        if (token.isBlank()) throw QuarryException.invalid("auth.token", "'auth.token' must not be empty.");
        return token;
    }

    // ---- objects ----

    public static ObjectNode vault(Vault vault) {
        ObjectNode out = Json.object().put("id", vault.id()).put("object", "vault").put("name", vault.name());
        out.set("metadata", metadata(vault.metadata()));
        out.put("created_at", vault.createdAt() / 1000);
        return out;
    }

    public static ObjectNode credential(VaultCredential credential) {
        ObjectNode out = Json.object().put("id", credential.id()).put("object", "vault.credential").put("vault_id", credential.vaultId())
                .put("name", credential.name());
        out.set("auth", Json.object().put("type", STATIC_BEARER).put("mcp_server_url", credential.mcpServerUrl()));
        out.set("metadata", metadata(credential.metadata()));
        out.put("created_at", credential.createdAt() / 1000);
        out.put("updated_at", credential.updatedAt() / 1000);
        return out;
    }

    private static ObjectNode metadata(Map<String, String> metadata) {
        ObjectNode out = Json.object();
        new TreeMap<>(metadata).forEach(out::put);
        return out;
    }
}
