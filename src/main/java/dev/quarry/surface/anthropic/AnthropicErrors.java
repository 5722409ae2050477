package dev.quarry.surface.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import java.util.Map;

/**
 * Errors in Anthropic's shape: {@code {"type":"error","error":{"type","message"}}}, with the status
 * Anthropic uses for that error type.
 *
 * <p>One deliberate departure from the canonical status: an unavailable upstream is answered as
 * Anthropic answers when it cannot serve, {@code 529 overloaded_error}. Anthropic clients know
 * that status: the SDKs retry it with back-off, and Claude Code reports "overloaded" and retries,
 * or switches to its fallback model. A 503 would only ever come from something in between.
 */
public final class AnthropicErrors {
    static final int OVERLOADED = 529;

    private AnthropicErrors() {}

    public static WireReply reply(QuarryError error) {
        Map<String, String> headers = error.retryAfter() == null ? Map.of()
                : Map.of("Retry-After", Long.toString(Math.max(1, (error.retryAfter().toMillis() + 999) / 1000)));
        return new WireReply(status(error.kind()), "application/json", Json.bytes(body(error)), headers);
    }

    /** The error body; also the data of an {@code error} event in a stream. */
    public static ObjectNode body(QuarryError error) {
        ObjectNode body = Json.object().put("type", "error");
        body.putObject("error").put("type", type(error.kind())).put("message", error.message());
        return body;
    }

    static int status(ErrorKind kind) {
        return kind == ErrorKind.UPSTREAM_UNAVAILABLE ? OVERLOADED : kind.httpStatus();
    }

    static String type(ErrorKind kind) {
        return switch (kind) {
            case INVALID_REQUEST, UNSUPPORTED_FEATURE, CONTEXT_WINDOW_EXCEEDED, CONTENT_FILTERED, MODEL_UNAVAILABLE,
                 UNSUPPORTED_MEDIA_TYPE, CONFLICT -> "invalid_request_error";
            case AUTHENTICATION -> "authentication_error";
            case PERMISSION_DENIED -> "permission_error";
            case NOT_FOUND, MODEL_NOT_FOUND -> "not_found_error";
            case PAYLOAD_TOO_LARGE -> "request_too_large";
            case RATE_LIMITED -> "rate_limit_error";
            case BUDGET_EXCEEDED -> "billing_error";
            case INTERNAL, UPSTREAM_ERROR, UPSTREAM_TIMEOUT -> "api_error";
            case UPSTREAM_UNAVAILABLE -> "overloaded_error";
        };
    }
}
