package dev.quarry.provider.bedrock.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.provider.UpstreamHttp;
import dev.quarry.provider.wire.Json;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps Bedrock Runtime's errors to canonical ones: non-2xx answers ({@code {"message": ...}}, the
 * error's name in the {@code __type} or {@code code} field when the body has one, else known by its
 * status) and the exception frames of a stream ({@code :exception-type} throttlingException, ...).
 */
public final class BedrockErrors {
    private BedrockErrors() {}

    public static QuarryError fromStatus(String provider, int status, String body, Optional<Duration> retryAfter) {
        JsonNode root = Json.parse(body).filter(JsonNode::isObject).orElse(Json.object());
        String message = message(root, body);
        String type = errorType(root);
        if (status == 401 || status == 403) {
            // AccessDenied, UnrecognizedClient, InvalidSignature: the client's Quarry key was fine; Quarry's AWS credentials were not.
            return QuarryError.of(ErrorKind.UPSTREAM_ERROR, "The upstream rejected Quarry's credentials for provider '" + provider
                    + "' (HTTP " + status + (type.isEmpty() ? "" : " " + type) + "): " + message);
        }
        ErrorKind kind = switch (status) {
            case 400 -> type.equals("servicequotaexceededexception") ? ErrorKind.RATE_LIMITED : validation(message);
            // ResourceNotFound (no such model in the region, or no access to it), ModelError: the deployment's, not the client's
            case 404, 424 -> ErrorKind.UPSTREAM_ERROR;
            case 408 -> ErrorKind.UPSTREAM_TIMEOUT;
            default -> UpstreamHttp.kindOf(status);
        };
        String says = "provider '" + provider + "': " + message;
        return kind == ErrorKind.RATE_LIMITED ? new QuarryError(kind, says, null, retryAfter.orElse(null)) : QuarryError.of(kind, says);
    }

    /** Maps an exception frame: its {@code :exception-type} and its {@code {"message": ...}} payload. */
    public static QuarryError fromException(String provider, String exceptionType, String payload) {
        JsonNode root = Json.parse(payload).filter(JsonNode::isObject).orElse(Json.object());
        String message = message(root, payload);
        ErrorKind kind = switch (exceptionType.toLowerCase(Locale.ROOT)) {
            case "throttlingexception", "servicequotaexceededexception", "modelnotreadyexception" -> ErrorKind.RATE_LIMITED;
            case "serviceunavailableexception", "internalserverexception" -> ErrorKind.UPSTREAM_UNAVAILABLE;
            case "modeltimeoutexception" -> ErrorKind.UPSTREAM_TIMEOUT;
            case "validationexception" -> validation(message);
            default -> ErrorKind.UPSTREAM_ERROR; // modelStreamErrorException and names added later
        };
        return QuarryError.of(kind, "provider '" + provider + "' failed while answering (" + exceptionType + "): " + message);
    }

    /** Bedrock says a prompt is too long only in words, which differ by model family. */
    private static ErrorKind validation(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        boolean tooLong = lower.contains("too long") || lower.contains("too many input tokens") || lower.contains("context length")
                || lower.contains("context window");
        return tooLong ? ErrorKind.CONTEXT_WINDOW_EXCEEDED : ErrorKind.INVALID_REQUEST;
    }

    /** restJson1 names the error in {@code __type} or {@code code}, as {@code ns#Name} or {@code Name:url}; lower-cased here. */
    private static String errorType(JsonNode root) {
        String type = Json.text(root, "__type");
        if (type == null) type = Json.textOrEmpty(root, "code");
        int hash = type.indexOf('#');
        if (hash >= 0) type = type.substring(hash + 1);
        int colon = type.indexOf(':');
        if (colon >= 0) type = type.substring(0, colon);
        return type.toLowerCase(Locale.ROOT);
    }

    /** Some AWS services spell the field {@code Message}. */
    private static String message(JsonNode root, String raw) {
        String message = Json.text(root, "message");
        if (message == null) message = Json.text(root, "Message");
        return message != null ? message : Json.excerpt(raw);
    }
}
