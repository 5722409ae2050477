package dev.quarry.provider.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.provider.UpstreamHttp;
import dev.quarry.provider.wire.Json;
import java.time.Duration;
import java.util.Optional;

/**
 * Maps Anthropic's error shape, {@code {"type":"error","error":{"type","message"}}}, to canonical
 * errors, from a non-2xx answer or from an {@code error} event in the middle of a stream. The error
 * type decides; the HTTP status is the fallback for bodies that are not Anthropic's (a proxy's page).
 */
public final class AnthropicErrors {
    private AnthropicErrors() {}

    /** What Anthropic said went wrong. {@code type} is {@code null} when the body was not its error shape. */
    private record UpstreamError(String type, String message) {}

    public static QuarryError fromStatus(String provider, int status, String body, Optional<Duration> retryAfter) {
        UpstreamError error = Json.parse(body).filter(JsonNode::isObject)
                .map(root -> read(root.path("error")))
                .orElseGet(() -> new UpstreamError(null, Json.excerpt(body)));
        ErrorKind kind = error.type() != null ? kindOf(error) : UpstreamHttp.kindOf(status);
        return switch (kind) {
            case UPSTREAM_ERROR -> QuarryError.of(kind, switch (status) {
                // The client's Quarry key was fine; Quarry's own key for the upstream was not.
                case 401, 403 -> "The upstream rejected Quarry's credentials for provider '" + provider + "' (HTTP " + status + "): " + error.message();
                case 404 -> "Provider '" + provider + "' does not know the requested upstream model or path (HTTP 404): " + error.message();
                default -> "Provider '" + provider + "' failed (HTTP " + status + "): " + error.message();
            });
            case RATE_LIMITED -> new QuarryError(kind, "provider '" + provider + "': " + error.message(), null, retryAfter.orElse(null));
            default -> QuarryError.of(kind, "provider '" + provider + "': " + error.message());
        };
    }

    /** Maps the error object of a mid-stream {@code error} event. */
    public static QuarryError fromEvent(String provider, JsonNode error) {
        UpstreamError read = read(error);
        return QuarryError.of(kindOf(read), "provider '" + provider + "' failed while answering: " + read.message());
    }

    private static UpstreamError read(JsonNode error) {
        String message = Json.text(error, "message");
        return new UpstreamError(Json.textOrEmpty(error, "type"), message != null ? message : Json.excerpt(error.toString()));
    }

    private static ErrorKind kindOf(UpstreamError error) {
        return switch (error.type()) {
            case "invalid_request_error" -> contextTooLong(error.message()) ? ErrorKind.CONTEXT_WINDOW_EXCEEDED : ErrorKind.INVALID_REQUEST;
            case "request_too_large" -> ErrorKind.PAYLOAD_TOO_LARGE;
            case "rate_limit_error" -> ErrorKind.RATE_LIMITED;
            case "overloaded_error", "api_error" -> ErrorKind.UPSTREAM_UNAVAILABLE;
            case "timeout_error" -> ErrorKind.UPSTREAM_TIMEOUT;
            // authentication_error, permission_error, not_found_error, billing_error: Quarry's configuration, not the client's request
            default -> ErrorKind.UPSTREAM_ERROR;
        };
    }

    /** Anthropic says so only in words: "prompt is too long: 208310 tokens > 200000 maximum", or that input and max_tokens "exceed context limit". */
    private static boolean contextTooLong(String message) {
        return message.contains("prompt is too long") || message.contains("exceed context limit");
    }
}
