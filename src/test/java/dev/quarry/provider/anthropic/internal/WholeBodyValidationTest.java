package dev.quarry.provider.anthropic.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.QuarryException;
import dev.quarry.provider.wire.RecordedBody;
import dev.quarry.provider.wire.SseDecoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A 200 whose JSON body is not a Messages answer, read as a whole answer. */
class WholeBodyValidationTest {
    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", "{\"detail\":\"upstream proxy says no\"}"})
    void aBodyThatIsNoMessageIsTheUpstreamsError(String body) {
        var decoder = new MessagesStreamDecoder(RecordedBody.of(body), SseDecoder.Framing.WHOLE_BODY);
        assertThatThrownBy(() -> RecordedBody.drain(decoder.begin()))
                .isInstanceOf(QuarryException.class);
    }
}
