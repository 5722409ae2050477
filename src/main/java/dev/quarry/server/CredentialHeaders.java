package dev.quarry.server;

import dev.quarry.canonical.QuarryException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;

/**
 * The one place a request's credential headers are read, for every surface. A credential must be
 * presented once: two {@code Authorization} headers, two {@code x-api-key} headers, or an
 * {@code x-api-key} beside an {@code Authorization} that is not the same key as a bearer token are
 * refused (400), not decided by whichever one is read first, since a proxy in front of Quarry that
 * reads another would see another identity than the one Quarry served. Read inside the gateway's
 * authentication, so that the refusal is audited as a failed authentication.
 */
final class CredentialHeaders {
    private static final HeaderName X_API_KEY = HeaderNames.create("x-api-key");

    private CredentialHeaders() {}

    /**
     * The {@code Authorization} header's value, or {@code null} when there is none. An {@code x-api-key}
     * beside it must be the same key as its bearer token on every surface, those that take no
     * {@code x-api-key} included: a proxy in front that reads it would otherwise see another identity.
     */
    static String authorization(ServerRequest req) {
        String authorization = single(req, HeaderNames.AUTHORIZATION);
        String apiKey = single(req, X_API_KEY);
        if (authorization != null && apiKey != null && !apiKey.isBlank() && !apiKey.strip().equals(bearerToken(authorization))) {
            throw QuarryException.invalid(X_API_KEY.defaultCase(), "The request carries both an x-api-key header and an Authorization "
                    + "header with another credential; send one of them.");
        }
        return authorization;
    }

    /** The token of an {@code Authorization: Bearer} header, or {@code null}. */
    static String bearer(ServerRequest req) {
        return bearerToken(authorization(req));
    }

    /**
     * The key of a surface that takes it as {@code x-api-key} (the Anthropic SDKs, Claude Code's
     * ANTHROPIC_API_KEY) or as a bearer token (Claude Code's ANTHROPIC_AUTH_TOKEN), or {@code null}.
     * Both may be sent only with the same key, as an SDK configured with both sends it.
     */
    static String apiKey(ServerRequest req) {
        String bearer = bearer(req);
        String apiKey = single(req, X_API_KEY);
        return apiKey == null || apiKey.isBlank() ? bearer : apiKey;
    }

    private static String bearerToken(String authorization) {
        if (authorization == null) return null;
        String value = authorization.strip();
        return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).strip() : null;
    }

    private static String single(ServerRequest req, HeaderName name) {
        if (!req.headers().contains(name)) return null;
        List<String> values = req.headers().get(name).allValues();
        if (values.size() > 1) {
            throw QuarryException.invalid(name.defaultCase(), "The request carries " + values.size() + " " + name.defaultCase()
                    + " headers; send exactly one credential.");
        }
        return values.getFirst();
    }
}
