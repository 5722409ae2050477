package dev.quarry.provider.gemini.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiErrorsTest {

    private static String body(int code, String status, String message, String details) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":\"" + status + "\",\"details\":[" + details + "]}}";
    }

    @ParameterizedTest
    @CsvSource({
            "400, INVALID_ARGUMENT, Invalid JSON payload received., INVALID_REQUEST",
            "400, INVALID_ARGUMENT, The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)., CONTEXT_WINDOW_EXCEEDED",
            "400, FAILED_PRECONDITION, User location is not supported for the API use., UPSTREAM_ERROR",
            "401, UNAUTHENTICATED, Request had invalid authentication credentials., UPSTREAM_ERROR",
            "403, PERMISSION_DENIED, Method doesn't allow unregistered callers., UPSTREAM_ERROR",
            "404, NOT_FOUND, models/gemini-9 is not found for API version v1beta., UPSTREAM_ERROR",
            "429, RESOURCE_EXHAUSTED, Resource has been exhausted., RATE_LIMITED",
            "500, INTERNAL, An internal error has occurred., UPSTREAM_UNAVAILABLE",
            "503, UNAVAILABLE, The model is overloaded., UPSTREAM_UNAVAILABLE",
            "504, DEADLINE_EXCEEDED, Deadline exceeded., UPSTREAM_TIMEOUT",
    })
    void statusNamesMapToCanonicalKinds(int code, String status, String message, ErrorKind kind) {
        QuarryError error = GeminiErrors.fromStatus("google", code, body(code, status, message, ""), Optional.empty());

        assertThat(error.kind()).isEqualTo(kind);
        assertThat(error.message()).contains(message);
    }

    @Test
    void aWrongKeyReportedAsAnInvalidArgumentIsStillTheProvidersCredentials() {
        QuarryError error = GeminiErrors.fromStatus("google", 400, body(400, "INVALID_ARGUMENT", "API key not valid.",
                "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\",\"domain\":\"googleapis.com\"}"), Optional.empty());

        assertThat(error.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
        assertThat(error.message()).contains("credentials", "google");
    }

    @Test
    void theRetryDelayOfARetryInfoDetailIsTheRetryAfterWhenNoHeaderSaysOtherwise() {
        String body = body(429, "RESOURCE_EXHAUSTED", "Quota exceeded.", "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"1.5s\"}");

        assertThat(GeminiErrors.fromStatus("google", 429, body, Optional.empty()).retryAfter()).isEqualTo(Duration.ofMillis(1500));
        assertThat(GeminiErrors.fromStatus("google", 429, body, Optional.of(Duration.ofSeconds(9))).retryAfter()).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void aBodyThatIsNotGooglesIsJudgedByItsStatus() {
        QuarryError error = GeminiErrors.fromStatus("google", 502, "upstream connect error", Optional.empty());

        assertThat(error.kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
        assertThat(error.message()).contains("upstream connect error");
    }
}
