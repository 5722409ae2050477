package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.identity.IssuedKey;
import dev.quarry.surface.Json;

/** How an issued key is shown, by the admin API and by {@code quarry keys create} alike. */
public final class KeyJson {
    private KeyJson() {}

    public static ObjectNode of(IssuedKey key) {
        return Json.object()
                .put("key_id", key.keyId())
                .put("principal_id", key.principal().id())
                .put("name", key.principal().name())
                .put("api_key", key.apiKey());
    }
}
