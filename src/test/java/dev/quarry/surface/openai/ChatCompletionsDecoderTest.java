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

/** {@code store: true} on chat completions asks OpenAI to keep the completion; Quarry keeps none, so it says so. */
class ChatCompletionsDecoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode body(String extra) throws Exception {
        return (ObjectNode) JSON.readTree("{\"model\":\"quarry/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
                + extra + "}");
    }

    @Test
    void omittedFalseOrNullStoreDecodes() throws Exception {
        assertThat(ChatCompletionsDecoder.decode(body("")).request().messages()).hasSize(1);
        assertThat(ChatCompletionsDecoder.decode(body(",\"store\":false")).request().messages()).hasSize(1);
        assertThat(ChatCompletionsDecoder.decode(body(",\"store\":null")).request().messages()).hasSize(1);
    }

    @Test
    void explicitStoreTrueIsRefusedNamingStore() throws Exception {
        ObjectNode body = body(",\"store\":true");
        QuarryException thrown = catchThrowableOfType(QuarryException.class, () -> ChatCompletionsDecoder.decode(body));
        assertThat(thrown).as("store: true refused").isNotNull();
        QuarryError error = thrown.error();
        assertThat(error.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE);
        assertThat(error.param()).isEqualTo("store");
        assertThat(error.message()).contains("store: false");
    }

    private static final String PDF = "JVBERi0xLjQK";

    @Test
    void aFilePartBecomesADocumentWithItsNameAndBytes() throws Exception {
        var request = ChatCompletionsDecoder.decode((ObjectNode) JSON.readTree("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"Summarise"},
                 {"type":"file","file":{"filename":"report.pdf","file_data":"data:application/pdf;base64,%s"}}]}]}
                """.formatted(PDF))).request();
        assertThat(request.messages().getFirst().content()).containsExactly(new ContentBlock.Text("Summarise"),
                new ContentBlock.Document(DocumentType.PDF, PDF, "report.pdf"));
    }

    @Test
    void aFileIdIsRefusedNamingTheFieldForQuarryHasNoFilesApi() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-123"}}]}]}""");
        QuarryError error = catchThrowableOfType(QuarryException.class, () -> ChatCompletionsDecoder.decode(body)).error();
        assertThat(error.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE);
        assertThat(error.param()).isEqualTo("messages[0].content[0].file.file_id");
        assertThat(error.message()).contains("no Files API", "file_data");
    }
}
