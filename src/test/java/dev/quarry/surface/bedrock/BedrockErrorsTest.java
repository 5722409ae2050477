package dev.quarry.surface.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.surface.WireReply;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BedrockErrorsTest {

    @ParameterizedTest(name = "{0} → {1} {2}")
    @CsvSource({
        "INVALID_REQUEST, 400, ValidationException",
        "UNSUPPORTED_FEATURE, 400, ValidationException",
        "CONTEXT_WINDOW_EXCEEDED, 400, ValidationException",
        "PAYLOAD_TOO_LARGE, 400, ValidationException",
        "AUTHENTICATION, 403, UnrecognizedClientException",
        "PERMISSION_DENIED, 403, AccessDeniedException",
        "MODEL_NOT_FOUND, 404, ResourceNotFoundException",
        "RATE_LIMITED, 429, ThrottlingException",
        "UPSTREAM_TIMEOUT, 408, ModelTimeoutException",
        "UPSTREAM_ERROR, 424, ModelErrorException",
        "UPSTREAM_UNAVAILABLE, 503, ServiceUnavailableException",
        "INTERNAL, 500, InternalServerException",
    })
    void eachKindHasItsAwsNameAndStatus(ErrorKind kind, int status, String name) {
        WireReply reply = BedrockErrors.reply(QuarryError.of(kind, "Something is wrong."));

        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.headers()).containsEntry("X-Amzn-Errortype", name);
        assertThat(reply.bodyText()).isEqualTo("{\"message\":\"Something is wrong.\"}");
    }

    @Test
    void signatureFailuresAreToldApartFromUnknownKeys() {
        assertThat(BedrockErrors.of(new QuarryError(ErrorKind.AUTHENTICATION, "m", "Authorization", null)).name()).isEqualTo("InvalidSignatureException");
        assertThat(BedrockErrors.of(new QuarryError(ErrorKind.INVALID_REQUEST, "m", "Authorization", null)))
                .isEqualTo(new BedrockErrors.AwsError("IncompleteSignatureException", 400));
    }

    @Test
    void throttlingSaysWhenToRetry() {
        WireReply reply = BedrockErrors.reply(new QuarryError(ErrorKind.RATE_LIMITED, "Slow down.", null, Duration.ofMillis(1500)));

        assertThat(reply.headers()).containsEntry("Retry-After", "2");
    }

    @Test
    void streamExceptionsUseTheStreamUnionsMemberNames() {
        assertThat(BedrockErrors.exceptionFrame(QuarryError.of(ErrorKind.UPSTREAM_UNAVAILABLE, "x")).text(":exception-type"))
                .contains("serviceUnavailableException");
        assertThat(BedrockErrors.exceptionFrame(QuarryError.of(ErrorKind.UPSTREAM_TIMEOUT, "x")).text(":exception-type"))
                .contains("modelStreamErrorException");
    }
}
