package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.identity.IssuedKey;
import dev.quarry.surface.Json;

/**
 * How an issued key is shown, by the admin API and by {@code quarry keys create} alike: the API key
 * for bearer clients and the SigV4 pair for AWS clients (Bedrock Runtime SDKs).
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
                .put("secret_access_key", key.secretAccessKey());
    }
}
