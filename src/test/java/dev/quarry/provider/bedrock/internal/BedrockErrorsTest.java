package dev.quarry.provider.bedrock.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BedrockErrorsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "400 | {\"message\":\"Malformed input request: #/messages: expected minimum item count: 1\"} | INVALID_REQUEST",
            "400 | {\"message\":\"Input is too long for requested model.\"} | CONTEXT_WINDOW_EXCEEDED",
            "400 | {\"__type\":\"com.amazon.bedrock#ServiceQuotaExceededException\",\"message\":\"Quota exceeded.\"} | RATE_LIMITED",
            "403 | {\"message\":\"You don't have access to the model with the specified model ID.\"} | UPSTREAM_ERROR",
            "404 | {\"message\":\"The provided model identifier is invalid.\"} | UPSTREAM_ERROR",
            "408 | {\"message\":\"Model has timed out in processing the request.\"} | UPSTREAM_TIMEOUT",
            "424 | {\"message\":\"Received error from the model.\"} | UPSTREAM_ERROR",
            "429 | {\"message\":\"Too many requests, please wait before trying again.\"} | RATE_LIMITED",
            "500 | {\"Message\":\"Internal server error\"} | UPSTREAM_UNAVAILABLE",
            "503 | {\"message\":\"Bedrock is unable to process your request.\"} | UPSTREAM_UNAVAILABLE",
    })
    void statusesAndMessagesMapToCanonicalKinds(int status, String body, ErrorKind kind) {
        QuarryError error = BedrockErrors.fromStatus("aws", status, body, Optional.empty());

        assertThat(error.kind()).isEqualTo(kind);
        assertThat(error.message()).contains("aws");
    }

    @ParameterizedTest
    @CsvSource({
            "throttlingException, RATE_LIMITED",
            "ThrottlingException, RATE_LIMITED",
            "serviceUnavailableException, UPSTREAM_UNAVAILABLE",
            "internalServerException, UPSTREAM_UNAVAILABLE",
            "modelTimeoutException, UPSTREAM_TIMEOUT",
            "validationException, INVALID_REQUEST",
            "modelStreamErrorException, UPSTREAM_ERROR",
    })
    void exceptionFramesMapByTheirType(String type, ErrorKind kind) {
        assertThat(BedrockErrors.fromException("aws", type, "{\"message\":\"m\"}").kind()).isEqualTo(kind);
    }
}
