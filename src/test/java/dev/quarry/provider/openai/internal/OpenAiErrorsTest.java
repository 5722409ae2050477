package dev.quarry.provider.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.provider.wire.Json;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiErrorsTest {
    private static String openAiError(String message, String code, String param) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"param\":"
                + (param == null ? "null" : "\"" + param + "\"") + ",\"code\":" + (code == null ? "null" : "\"" + code + "\"") + "}}";
    }

    private static QuarryError map(int status, String body) {
        return OpenAiErrors.fromStatus("openai-main", "gpt-5", status, body, Optional.empty());
    }

    @Test
    void aBadRequestKeepsTheUpstreamMessageAndParamPrefixedWithTheProvider() {
        QuarryError error = map(400, openAiError("Invalid value for 'temperature'.", "invalid_value", "temperature"));

        assertThat(error.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(error.message()).isEqualTo("provider 'openai-main': Invalid value for 'temperature'.");
        assertThat(error.param()).isEqualTo("temperature");
    }

    @Test
    void aPromptTooLongForTheModelIsAContextWindowError() {
        assertThat(map(400, openAiError("Too long.", "context_length_exceeded", "messages")).kind())
                .isEqualTo(ErrorKind.CONTEXT_WINDOW_EXCEEDED);
    }

    @Test
    void vllmSaysThePromptIsTooLongOnlyInWordsAndAtTheTopLevel() {
        String vllm = "{\"object\":\"error\",\"message\":\"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.\","
                + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}";

        assertThat(map(400, vllm).kind()).isEqualTo(ErrorKind.CONTEXT_WINDOW_EXCEEDED);
    }

    @Test
    void aContentFilterCodeIsContentFiltered() {
        assertThat(map(400, openAiError("Flagged.", "content_policy_violation", null)).kind()).isEqualTo(ErrorKind.CONTENT_FILTERED);
    }

    @ParameterizedTest
    @CsvSource({"401", "403"})
    void rejectedCredentialsAreTheUpstreamsErrorNotTheClients(int status) {
        QuarryError error = map(status, openAiError("Incorrect API key provided.", "invalid_api_key", null));

        assertThat(error.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
        assertThat(error.message()).contains("rejected Quarry's credentials for provider 'openai-main'", "Incorrect API key provided.");
    }

    @Test
    void anUnknownModelIsNamed() {
        QuarryError error = map(404, openAiError("The model does not exist.", "model_not_found", null));

        assertThat(error.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
        assertThat(error.message()).contains("'gpt-5'", "'openai-main'");
    }

    @Test
    void aRateLimitCarriesRetryAfter() {
        QuarryError error = OpenAiErrors.fromStatus("openai-main", "gpt-5", 429, openAiError("Slow down.", "rate_limit_exceeded", null),
                Optional.of(Duration.ofSeconds(2)));

        assertThat(error.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @CsvSource({"500", "502", "503", "504"})
    void serverErrorsMeanTheUpstreamIsUnavailable(int status) {
        assertThat(map(status, openAiError("Oops.", null, null)).kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
    }

    @Test
    void ollamasPlainStringErrorIsItsMessage() {
        assertThat(map(400, "{\"error\":\"invalid model name\"}").message()).isEqualTo("provider 'openai-main': invalid model name");
    }

    @Test
    void aBodyThatIsNotJsonIsQuoted() {
        assertThat(map(502, "<html>Bad Gateway</html>").message()).isEqualTo("provider 'openai-main': <html>Bad Gateway</html>");
    }

    @Test
    void aMidStreamErrorEventMapsByItsCode() {
        JsonNode overloaded = Json.parse("{\"code\":\"server_is_overloaded\",\"message\":\"Try later.\"}").orElseThrow();
        JsonNode unknown = Json.parse("{\"code\":\"something_new\",\"message\":\"?\"}").orElseThrow();

        assertThat(OpenAiErrors.fromEvent("openai-main", overloaded).kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
        assertThat(OpenAiErrors.fromEvent("openai-main", unknown).kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
    }
}
