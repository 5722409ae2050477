package dev.quarry.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DocumentsTest {
    private static final String PDF = Base64.getEncoder().encodeToString("%PDF-1.4 tiny".getBytes(StandardCharsets.ISO_8859_1));

    @Test
    void aDataUrlBecomesADocumentOfItsTypeWithItsBytesAndName() {
        ContentBlock.Document document = Documents.dataUrl("data:application/pdf;base64," + PDF, "file_data", "report.pdf", "filename");
        assertThat(document.type()).isEqualTo(DocumentType.PDF);
        assertThat(document.base64()).isEqualTo(PDF);
        assertThat(document.size()).isEqualTo("%PDF-1.4 tiny".length());
        assertThat(document.name()).isEqualTo("report.pdf");
    }

    @Test
    void mediaTypeParametersAndCaseAreIgnoredAndTextReadsBackAsUtf8() {
        String base64 = Base64.getEncoder().encodeToString("naïve, café\n".getBytes(StandardCharsets.UTF_8));
        ContentBlock.Document document = Documents.dataUrl("data:Text/CSV;charset=utf-8;base64," + base64, "f", null, "n");
        assertThat(document.type()).isEqualTo(DocumentType.CSV);
        assertThat(document.name()).isNull();
        assertThat(document.text()).isEqualTo("naïve, café\n");
    }

    @Test
    void aTextDocumentIsCarriedAsTheBase64OfItsUtf8() {
        ContentBlock.Document document = Documents.text(DocumentType.MARKDOWN, "# Título", "data", "notes", "title");
        assertThat(document.type()).isEqualTo(DocumentType.MARKDOWN);
        assertThat(Base64.getDecoder().decode(document.base64())).isEqualTo("# Título".getBytes(StandardCharsets.UTF_8));
        assertThat(document.size()).isEqualTo("# Título".getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void theDecodedLengthIsCountedWithAndWithoutPadding() {
        for (String bytes : new String[] {"a", "ab", "abc", "abcd", "abcde"}) {
            String padded = Base64.getEncoder().encodeToString(bytes.getBytes(StandardCharsets.US_ASCII));
            assertThat(Base64Text.decodedLength(padded)).as(padded).isEqualTo(bytes.length());
            assertThat(Base64Text.decodedLength(padded.replace("=", ""))).as(padded).isEqualTo(bytes.length());
        }
    }

    @Test
    void badDataIsRefusedNamingTheField() {
        assertRefused(() -> Documents.dataUrl("data:application/pdf;base64,%%%", "file_data", null, "filename"), "file_data", "base64");
        assertRefused(() -> Documents.dataUrl("data:application/pdf;base64,", "file_data", null, "filename"), "file_data", "base64");
        assertRefused(() -> Documents.dataUrl("data:image/png;base64," + PDF, "file_data", null, "filename"), "file_data",
                "must be a document type");
        assertRefused(() -> Documents.dataUrl("https://example.com/a.pdf", "file_data", null, "filename"), "file_data", "data: URL");
        assertRefused(() -> Documents.text(DocumentType.TEXT, "", "data", null, "title"), "data", "must not be empty");
    }

    /**
     * A text document is read as UTF-8 by the guard, the token estimate and the upstreams that take text: one in another
     * encoding (a CSV saved by Excel in Windows-1252) would be read as replacement characters, and an anonymised copy
     * would lose every byte that is not ASCII, so it is refused rather than garbled.
     */
    @Test
    void aTextDocumentThatIsNotUtf8IsRefused() {
        String latin1 = Base64.getEncoder().encodeToString("name\nM\u00fcller\n".getBytes(StandardCharsets.ISO_8859_1));
        assertRefused(() -> Documents.dataUrl("data:text/csv;base64," + latin1, "file_data", null, "filename"), "file_data", "UTF-8");
        String utf16 = Base64.getEncoder().encodeToString("name".getBytes(StandardCharsets.UTF_16LE));
        assertRefused(() -> Documents.dataUrl("data:text/plain;charset=utf-16le;base64," + utf16, "file_data", null, "filename"),
                "file_data", "UTF-8");
        String bytes = Base64.getEncoder().encodeToString("M\u00fcller".getBytes(StandardCharsets.UTF_8));
        for (String utf8 : new String[] {"charset=UTF-8", "charset=\"utf-8\"", "charset=utf8", "format=flowed"}) {
            assertThat(Documents.dataUrl("data:text/plain;" + utf8 + ";base64," + bytes, "file_data", null, "filename").text())
                    .isEqualTo("M\u00fcller");
        }
        assertThat(Documents.of(DocumentType.PDF, latin1, "data", null, "name").size()).as("a PDF's bytes are not text").isEqualTo(12);
    }

    @Test
    void aDocumentOverTheLimitIsRefusedNamingTheLimit() {
        // One byte over 32 MiB, as base64: the check counts without decoding.
        String over = "A".repeat((int) ((Documents.MAX_BYTES + 1 + 2) / 3 * 4));
        assertRefused(() -> Documents.of(DocumentType.PDF, over, "data", null, "name"), "data", "at most " + Documents.MAX_BYTES + " bytes");
        String atLimit = "A".repeat((int) (Documents.MAX_BYTES / 3 * 4)) + "AAA=";
        assertThat(Documents.of(DocumentType.PDF, atLimit, "data", null, "name").size()).isEqualTo(Documents.MAX_BYTES);
        assertRefused(() -> Documents.requireSize(Documents.BEDROCK_MAX_BYTES + 1, Documents.BEDROCK_MAX_BYTES, "bytes"), "bytes",
                "at most 4718592 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"report\u0000.pdf", "line\nbreak", "evil\u202Efdp.exe", "zero\u200Bwidth", " "})
    void namesWithInvisibleCharactersAreRefused(String name) {
        assertRefused(() -> Documents.of(DocumentType.PDF, PDF, "data", name, "title"), "title", "'title' must");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "C:\\boot.ini", "reports/q3.pdf"})
    void fileNamesThatArePathsAreRefused(String name) {
        assertRefused(() -> Documents.fileName(name, "filename"), "filename", "without path separators");
    }

    @Test
    void namesAndFileNamesAreBounded() {
        assertThat(Documents.of(DocumentType.PDF, PDF, "data", "Q3/Q4 é".repeat(70), "title").name()).hasSize(490);
        assertRefused(() -> Documents.of(DocumentType.PDF, PDF, "data", "x".repeat(Documents.MAX_NAME + 1), "title"), "title",
                "1 to 500 characters");
        assertThat(Documents.fileName("x".repeat(Documents.MAX_FILE_NAME), "filename")).hasSize(255);
        assertThat(Documents.fileName(null, "filename")).isNull();
        assertRefused(() -> Documents.fileName("x".repeat(Documents.MAX_FILE_NAME + 1), "filename"), "filename", "at most 255 characters");
    }

    private static void assertRefused(Runnable call, String param, String fragment) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
            assertThat(e.error().param()).isEqualTo(param);
            assertThat(e.getMessage()).contains(fragment);
        });
    }
}
