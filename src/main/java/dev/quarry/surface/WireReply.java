package dev.quarry.surface;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A complete (non-streamed) HTTP answer a surface wants sent. */
public record WireReply(int status, String contentType, byte[] body, Map<String, String> headers) {
    public WireReply {
        headers = Map.copyOf(headers);
    }

    public static WireReply json(int status, byte[] body) {
        return new WireReply(status, "application/json", body, Map.of());
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
