package dev.quarry.provider.anthropic.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicErrorsTest {

    private static String body(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"},\"request_id\":\"req_1\"}";
    }

    @ParameterizedTest
    @CsvSource({
            "400, invalid_request_error, messages: text content blocks must be non-empty, INVALID_REQUEST",
            "400, invalid_request_error, prompt is too long: 208310 tokens > 200000 maximum, CONTEXT_WINDOW_EXCEEDED",
            "400, invalid_request_error, input length and `max_tokens` exceed context limit: 197000 + 8192 > 200000, CONTEXT_WINDOW_EXCEEDED",
            "401, authentication_error, invalid x-api-key, UPSTREAM_ERROR",
            "403, permission_error, Your API key does not have permission, UPSTREAM_ERROR",
            "404, not_found_error, model: claude-x, UPSTREAM_ERROR",
            "413, request_too_large, Request exceeds the maximum allowed number of bytes., PAYLOAD_TOO_LARGE",
            "429, rate_limit_error, Rate limited, RATE_LIMITED",
            "500, api_error, Internal server error, UPSTREAM_UNAVAILABLE",
            "529, overloaded_error, Overloaded, UPSTREAM_UNAVAILABLE",
    })
    void errorTypesMapToCanonicalKinds(int status, String type, String message, ErrorKind kind) {
        QuarryError error = AnthropicErrors.fromStatus("claude", status, body(type, message), Optional.empty());

        assertThat(error.kind()).isEqualTo(kind);
        assertThat(error.message()).contains(message);
    }

    @Test
    void rateLimitsKeepTheRetryAfter() {
        QuarryError error = AnthropicErrors.fromStatus("claude", 429, body("rate_limit_error", "Slow down"), Optional.of(Duration.ofSeconds(3)));

        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aBodyThatIsNotAnthropicsIsJudgedByItsStatusAndQuoted() {
        QuarryError error = AnthropicErrors.fromStatus("claude", 502, "<html>Bad Gateway</html>", Optional.empty());

        assertThat(error.kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
        assertThat(error.message()).contains("<html>Bad Gateway</html>");
    }
}
