package dev.quarry.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.surface.WireReply;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicErrorsTest {

    @ParameterizedTest
    @CsvSource({
        "INVALID_REQUEST, 400, invalid_request_error",
        "UNSUPPORTED_FEATURE, 400, invalid_request_error",
        "CONTEXT_WINDOW_EXCEEDED, 400, invalid_request_error",
        "CONTENT_FILTERED, 400, invalid_request_error",
        "MODEL_UNAVAILABLE, 400, invalid_request_error",
        "AUTHENTICATION, 401, authentication_error",
        "PERMISSION_DENIED, 403, permission_error",
        "NOT_FOUND, 404, not_found_error",
        "MODEL_NOT_FOUND, 404, not_found_error",
        "PAYLOAD_TOO_LARGE, 413, request_too_large",
        "UNSUPPORTED_MEDIA_TYPE, 415, invalid_request_error",
        "RATE_LIMITED, 429, rate_limit_error",
        "INTERNAL, 500, api_error",
        "UPSTREAM_ERROR, 502, api_error",
        "UPSTREAM_UNAVAILABLE, 529, overloaded_error",
        "UPSTREAM_TIMEOUT, 504, api_error"})
    void everyKindHasAnthropicsStatusAndType(ErrorKind kind, int status, String type) {
        WireReply reply = AnthropicErrors.reply(QuarryError.of(kind, "What went wrong."));
        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.contentType()).isEqualTo("application/json");
        assertThat(reply.bodyText()).isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"What went wrong.\"}}");
        assertThat(reply.headers()).isEmpty();
    }

    @Test
    void aRateLimitSaysWhenToRetryInWholeSeconds() {
        WireReply reply = AnthropicErrors.reply(new QuarryError(ErrorKind.RATE_LIMITED, "Slow down.", null, Duration.ofMillis(1500)));
        assertThat(reply.headers()).containsEntry("Retry-After", "2");
    }
}
