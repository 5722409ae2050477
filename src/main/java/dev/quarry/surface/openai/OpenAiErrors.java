package dev.quarry.surface.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.QuarryError;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import java.util.Map;

/** Errors in OpenAI's shape: {@code {"error":{"message","type","param","code"}}} with a matching status. */
public final class OpenAiErrors {
    private OpenAiErrors() {}

    public static WireReply reply(QuarryError error) {
        Map<String, String> headers = error.retryAfter() == null ? Map.of()
                : Map.of("Retry-After", Long.toString(Math.max(1, (error.retryAfter().toMillis() + 999) / 1000)));
        return new WireReply(error.kind().httpStatus(), "application/json", Json.bytes(body(error)), headers);
    }

    /** The error object alone, for errors sent inside a stream. */
    public static ObjectNode body(QuarryError error) {
        ObjectNode inner = Json.object()
                .put("message", error.message())
                .put("type", type(error))
                .put("param", error.param())
                .put("code", code(error));
        ObjectNode outer = Json.object();
        outer.set("error", inner);
        return outer;
    }

    static String type(QuarryError error) {
        return switch (error.kind()) {
            case AUTHENTICATION -> "authentication_error";
            case PERMISSION_DENIED -> "permission_error";
            case RATE_LIMITED -> "rate_limit_error";
            case BUDGET_EXCEEDED -> "insufficient_quota";
            case INTERNAL, UPSTREAM_ERROR, UPSTREAM_UNAVAILABLE, UPSTREAM_TIMEOUT -> "server_error";
            default -> "invalid_request_error";
        };
    }

    static String code(QuarryError error) {
        return switch (error.kind()) {
            case INVALID_REQUEST -> "invalid_request";
            case UNSUPPORTED_FEATURE -> "unsupported_feature";
            case CONTEXT_WINDOW_EXCEEDED -> "context_length_exceeded";
            case CONTENT_FILTERED -> "content_filter";
            case MODEL_UNAVAILABLE -> "model_not_available";
            case AUTHENTICATION -> "invalid_api_key";
            case PERMISSION_DENIED -> "permission_denied";
            case NOT_FOUND -> "not_found";
            case MODEL_NOT_FOUND -> "model_not_found";
            case CONFLICT -> "conflict";
            case PAYLOAD_TOO_LARGE -> "request_too_large";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported_media_type";
            case RATE_LIMITED -> "rate_limit_exceeded";
            case BUDGET_EXCEEDED -> "budget_exceeded";
            case INTERNAL -> "internal_error";
            case UPSTREAM_ERROR -> "upstream_error";
            case UPSTREAM_UNAVAILABLE -> "upstream_unavailable";
            case UPSTREAM_TIMEOUT -> "upstream_timeout";
        };
    }
}
