package dev.quarry.provider.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.provider.UpstreamHttp;
import dev.quarry.provider.wire.Json;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Maps OpenAI's error shape, {@code {"error":{"message","type","param","code"}}}, to canonical
 * errors: from a non-2xx answer, or from an error event in the middle of a stream. OpenAI-compatible
 * servers are read leniently: vLLM puts the fields at the top level, Ollama sends {@code "error"} as
 * a plain string, and some send a body that is no JSON at all.
 */
public final class OpenAiErrors {
    private static final Set<String> CONTENT_FILTER_CODES = Set.of("content_filter", "content_policy_violation");

    private OpenAiErrors() {}

    /** The upstream's own description of a failure. */
    private record UpstreamError(String message, String code, String param) {}

    /**
     * Maps a non-2xx answer.
     *
     * @param upstreamModel the model Quarry asked for, named when the upstream does not know it
     */
    public static QuarryError fromStatus(String provider, String upstreamModel, int status, String body,
                                         Optional<Duration> retryAfter) {
        UpstreamError error = read(body);
        String says = "provider '" + provider + "': " + error.message();
        return switch (status) {
            case 400, 422 -> fromCode(error, says, ErrorKind.INVALID_REQUEST);
            // The client's Quarry key was fine; Quarry's own key for the upstream was not.
            case 401, 403 -> QuarryError.of(ErrorKind.UPSTREAM_ERROR, "The upstream rejected Quarry's credentials for provider '"
                    + provider + "' (HTTP " + status + "): " + error.message());
            case 404 -> QuarryError.of(ErrorKind.UPSTREAM_ERROR, "Provider '" + provider + "' does not know the upstream model '"
                    + upstreamModel + "' (HTTP 404): " + error.message());
            case 429 -> new QuarryError(ErrorKind.RATE_LIMITED, says, null, retryAfter.orElse(null));
            default -> QuarryError.of(status >= 500 ? ErrorKind.UPSTREAM_UNAVAILABLE : UpstreamHttp.kindOf(status), says);
        };
    }

    /** Maps the error object of a mid-stream error event ({@code error}, {@code response.failed}). */
    public static QuarryError fromEvent(String provider, JsonNode error) {
        UpstreamError read = read(error);
        String says = "provider '" + provider + "' failed while answering: " + read.message();
        return fromCode(read, says, switch (Objects.requireNonNullElse(read.code(), "")) {
            case "rate_limit_exceeded" -> ErrorKind.RATE_LIMITED;
            case "server_error", "server_is_overloaded" -> ErrorKind.UPSTREAM_UNAVAILABLE;
            default -> ErrorKind.UPSTREAM_ERROR;
        });
    }

    private static QuarryError fromCode(UpstreamError error, String message, ErrorKind otherwise) {
        ErrorKind kind = otherwise;
        if (contextTooLong(error)) kind = ErrorKind.CONTEXT_WINDOW_EXCEEDED;
        else if (error.code() != null && CONTENT_FILTER_CODES.contains(error.code())) kind = ErrorKind.CONTENT_FILTERED;
        return new QuarryError(kind, message, kind == ErrorKind.INVALID_REQUEST ? error.param() : null, null);
    }

    /** OpenAI says so with a code; vLLM and llama.cpp only in the message, in OpenAI's words. */
    private static boolean contextTooLong(UpstreamError error) {
        return "context_length_exceeded".equals(error.code())
                || error.message().contains("maximum context length");
    }

    private static UpstreamError read(String body) {
        return Json.parse(body)
                .filter(JsonNode::isObject)
                .map(node -> read(node.has("error") ? node.get("error") : node))
                .orElseGet(() -> new UpstreamError(Json.excerpt(body), null, null));
    }

    private static UpstreamError read(JsonNode error) {
        if (error.isTextual()) return new UpstreamError(error.textValue(), null, null);
        String message = Json.text(error, "message");
        JsonNode code = error.path("code");
        return new UpstreamError(
                message == null ? Json.excerpt(error.toString()) : message,
                code.isTextual() ? code.textValue() : null, // vLLM repeats the HTTP status here as a number
                Json.text(error, "param"));
    }
}
