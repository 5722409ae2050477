package dev.quarry.surface.openai;

import dev.quarry.canonical.DocumentType;
import dev.quarry.canonical.ContentBlock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import org.junit.jupiter.api.Test;

/**
 * Fields Quarry accepts on {@code /v1/responses} but cannot honour yet (it answers synchronously
 * and stores nothing) are refused by name, never silently ignored.
 */
class ResponsesDecoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode body(String extra) throws Exception {
        return (ObjectNode) JSON.readTree("{\"model\":\"quarry/echo\",\"input\":\"hi\"" + extra + "}");
    }

    private static QuarryError refusal(String extra) throws Exception {
        ObjectNode body = body(extra);
        QuarryException thrown = catchThrowableOfType(QuarryException.class, () -> ResponsesDecoder.decode(body));
        assertThat(thrown).as("refusal of %s", extra).isNotNull();
        return thrown.error();
    }

    @Test
    void omittingStoreStillDecodesBecauseTheSdksLeaveItOutAndOpenAiDefaultsItToTrue() throws Exception {
        assertThat(ResponsesDecoder.decode(body("")).request().messages()).hasSize(1);
    }

    @Test
    void storeFalseAndNullAreAccepted() throws Exception {
        assertThat(ResponsesDecoder.decode(body(",\"store\":false")).request().messages()).hasSize(1);
        assertThat(ResponsesDecoder.decode(body(",\"store\":null")).request().messages()).hasSize(1);
    }

    @Test
    void explicitStoreTrueIsRefusedNamingStore() throws Exception {
        QuarryError error = refusal(",\"store\":true");
        assertThat(error.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE);
        assertThat(error.param()).isEqualTo("store");
        assertThat(error.message()).contains("store: false");
    }

    @Test
    void storeThatIsNotABooleanIsInvalid() throws Exception {
        QuarryError error = refusal(",\"store\":\"yes\"");
        assertThat(error.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(error.param()).isEqualTo("store");
    }

    @Test
    void backgroundTrueIsRefusedNamingBackground() throws Exception {
        QuarryError error = refusal(",\"background\":true");
        assertThat(error.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE);
        assertThat(error.param()).isEqualTo("background");
        assertThat(error.message()).isEqualTo("Background responses are not supported yet: send the request without "
                + "'background' (or false) and read the answer from this call.");
    }

    @Test
    void backgroundFalseOrNullIsAccepted() throws Exception {
        assertThat(ResponsesDecoder.decode(body(",\"background\":false")).request().messages()).hasSize(1);
        assertThat(ResponsesDecoder.decode(body(",\"background\":null")).request().messages()).hasSize(1);
    }

    @Test
    void aConversationIdIsRefusedNamingConversation() throws Exception {
        QuarryError error = refusal(",\"conversation\":\"conv_1\"");
        assertThat(error.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE);
        assertThat(error.param()).isEqualTo("conversation");
    }

    @Test
    void aConversationObjectIsRefusedNamingConversation() throws Exception {
        QuarryError error = refusal(",\"conversation\":{\"id\":\"conv_1\"}");
        assertThat(error.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE);
        assertThat(error.param()).isEqualTo("conversation");
    }

    @Test
    void aNullConversationIsAccepted() throws Exception {
        assertThat(ResponsesDecoder.decode(body(",\"conversation\":null")).request().messages()).hasSize(1);
    }

    @Test
    void previousResponseIdIsRefusedNamingIt() throws Exception {
        QuarryError error = refusal(",\"previous_response_id\":\"resp_1\"");
        assertThat(error.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE);
        assertThat(error.param()).isEqualTo("previous_response_id");
    }

    @Test
    void anInputFileBecomesADocumentOfItsType() throws Exception {
        String csv = "bW9udGgsc2FsZXMKTWF5LDEyCg==";
        var content = ResponsesDecoder.decode(body(",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\","
                + "\"filename\":\"sales.csv\",\"file_data\":\"data:text/csv;base64," + csv + "\"}]}]")).request().messages().getFirst().content();
        assertThat(content).containsExactly(new ContentBlock.Document(DocumentType.CSV, csv, "sales.csv"));
    }

    @Test
    void fileUrlsAreRefusedForQuarryFetchesNothing() throws Exception {
        QuarryError error = refusal(",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\","
                + "\"file_url\":\"https://example.com/a.pdf\"}]}]");
        assertThat(error.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE);
        assertThat(error.param()).isEqualTo("input[0].content[0].file_url");
        assertThat(error.message()).contains("does not fetch", "file_data");
    }

    @Test
    void filesOutsideUserMessagesAreRefused() throws Exception {
        String file = "{\"type\":\"input_file\",\"file_data\":\"data:application/pdf;base64,JVBERi0xLjQK\"}";
        QuarryError system = refusal(",\"input\":[{\"role\":\"system\",\"content\":[" + file + "]},{\"role\":\"user\",\"content\":\"hi\"}]");
        assertThat(system.param()).isEqualTo("input[0].content");
        assertThat(system.message()).contains("only appear in user messages");
        QuarryError output = refusal(",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":[" + file + "]}]");
        assertThat(output.param()).isEqualTo("input[0].output");
    }
}
