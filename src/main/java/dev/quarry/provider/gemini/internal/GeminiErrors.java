package dev.quarry.provider.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.provider.UpstreamHttp;
import dev.quarry.provider.wire.Json;
import java.time.Duration;
import java.util.Optional;

/**
 * Maps Google's error shape, {@code {"error":{"code","message","status","details":[...]}}}, to
 * canonical errors. The canonical status name ({@code INVALID_ARGUMENT}, {@code RESOURCE_EXHAUSTED})
 * decides; the HTTP status is the fallback for bodies that are not Google's.
 */
public final class GeminiErrors {
    private static final String ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";
    private static final String RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";

    private GeminiErrors() {}

    public static QuarryError fromStatus(String provider, int status, String body, Optional<Duration> retryAfter) {
        JsonNode error = Json.parse(body).filter(JsonNode::isObject).map(root -> root.path("error")).orElse(null);
        if (error == null || !error.isObject()) {
            return QuarryError.of(UpstreamHttp.kindOf(status), "provider '" + provider + "': " + Json.excerpt(body));
        }
        return map(provider, error, status, retryAfter);
    }

    /** Maps the error object Gemini sometimes streams in place of a chunk after the call was accepted. */
    public static QuarryError fromEvent(String provider, JsonNode error) {
        return map(provider, error, error.path("code").asInt(), Optional.empty());
    }

    private static QuarryError map(String provider, JsonNode error, int status, Optional<Duration> retryAfter) {
        String message = Json.textOrEmpty(error, "message");
        String code = Json.textOrEmpty(error, "status");
        if (code.equals("UNAUTHENTICATED") || code.equals("PERMISSION_DENIED") || reason(error, "API_KEY_INVALID")) {
            // The client's Quarry key was fine; Quarry's own key for the upstream was not. (Gemini answers
            // a wrong key with INVALID_ARGUMENT and says what it is only in the details.)
            return QuarryError.of(ErrorKind.UPSTREAM_ERROR, "The upstream rejected Quarry's credentials for provider '" + provider
                    + "' (HTTP " + status + "): " + message);
        }
        ErrorKind kind = switch (code) {
            case "INVALID_ARGUMENT" -> message.contains("exceeds the maximum number of tokens")
                    ? ErrorKind.CONTEXT_WINDOW_EXCEEDED : ErrorKind.INVALID_REQUEST;
            case "RESOURCE_EXHAUSTED" -> ErrorKind.RATE_LIMITED;
            case "UNAVAILABLE", "INTERNAL" -> ErrorKind.UPSTREAM_UNAVAILABLE;
            case "DEADLINE_EXCEEDED" -> ErrorKind.UPSTREAM_TIMEOUT;
            // NOT_FOUND (no such model), FAILED_PRECONDITION (e.g. the API is not offered in the server's region):
            // what Quarry was configured with, not what the client asked
            case "NOT_FOUND", "FAILED_PRECONDITION" -> ErrorKind.UPSTREAM_ERROR;
            default -> UpstreamHttp.kindOf(status);
        };
        String says = "provider '" + provider + "': " + message;
        return kind == ErrorKind.RATE_LIMITED ? new QuarryError(kind, says, null, retryAfter.or(() -> retryDelay(error)).orElse(null))
                : QuarryError.of(kind, says);
    }

    private static boolean reason(JsonNode error, String reason) {
        for (JsonNode detail : error.path("details")) {
            if (ERROR_INFO.equals(Json.text(detail, "@type")) && reason.equals(Json.text(detail, "reason"))) return true;
        }
        return false;
    }

    /** Google says when to retry in a {@code RetryInfo} detail, as a duration like {@code "7s"} or {@code "0.5s"}. */
    private static Optional<Duration> retryDelay(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            String delay = Json.text(detail, "retryDelay");
            if (RETRY_INFO.equals(Json.text(detail, "@type")) && delay != null && delay.endsWith("s")) {
                try {
                    return Optional.of(Duration.ofMillis(Math.round(Double.parseDouble(delay.substring(0, delay.length() - 1)) * 1000)));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
