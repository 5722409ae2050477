package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.KeyInfo;
import dev.quarry.identity.RoleSession;
import dev.quarry.surface.Json;
import java.time.Instant;

/**
 * How keys are shown, by the admin API and the CLI alike: an issued key with its secrets (the API
 * key for bearer clients and the SigV4 pair for AWS clients, such as Bedrock Runtime SDKs), a
 * listed key without them, and the temporary credentials of an assumed role. Times are ISO-8601.
 */
public final class KeyJson {
    private KeyJson() {}

    public static ObjectNode of(IssuedKey key) {
        return Json.object()
                .put("key_id", key.keyId())
                .put("principal_id", key.principal().id())
                .put("name", key.principal().name())
                .put("api_key", key.apiKey())
                .put("access_key_id", key.accessKeyId())
                .put("secret_access_key", key.secretAccessKey())
                .put("expires_at", text(key.expiresAt()));
    }

    public static ObjectNode listed(KeyInfo key, Instant now) {
        return Json.object()
                .put("key_id", key.id())
                .put("name", key.principal())
                .put("prefix", key.prefix())
                .put("access_key_id", key.accessKeyId())
                .put("description", key.description())
                .put("status", key.status(now))
                .put("created_at", text(key.createdAt()))
                .put("last_used_at", text(key.lastUsedAt()))
                .put("disabled_at", text(key.disabledAt()))
                .put("expires_at", text(key.expiresAt()));
    }

    /** Shaped like STS AssumeRole's credentials, plus the API key for bearer clients. */
    public static ObjectNode session(RoleSession session) {
        return Json.object()
                .put("role", session.role())
                .put("api_key", session.key().apiKey())
                .put("access_key_id", session.key().accessKeyId())
                .put("secret_access_key", session.key().secretAccessKey())
                .put("session_token", session.sessionToken())
                .put("expiration", text(session.expiration()));
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
