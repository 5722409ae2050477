package dev.quarry.canonical;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The document formats Quarry carries: the union of what its surfaces accept (Bedrock Converse's
 * {@code DocumentFormat} list is the widest), each with its media type and the extension Converse
 * names it by. Which provider takes which is each provider encoder's business.
 */
public enum DocumentType {
    PDF("application/pdf", "pdf", false),
    TEXT("text/plain", "txt", true),
    CSV("text/csv", "csv", true),
    HTML("text/html", "html", true),
    MARKDOWN("text/markdown", "md", true),
    DOC("application/msword", "doc", false),
    DOCX("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", false),
    XLS("application/vnd.ms-excel", "xls", false),
    XLSX("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", false);

    private final String mediaType;
    private final String extension;
    private final boolean text;

    DocumentType(String mediaType, String extension, boolean text) {
        this.mediaType = mediaType;
        this.extension = extension;
        this.text = text;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The format as Bedrock Converse names it, which is also the usual file extension. */
    public String extension() {
        return extension;
    }

    /** Whether the bytes are text (UTF-8) a model, a guardrail or a token estimate can read as such. */
    public boolean text() {
        return text;
    }

    /** By media type, its parameters ({@code ;charset=utf-8}) ignored. */
    public static Optional<DocumentType> ofMediaType(String mediaType) {
        int semicolon = mediaType.indexOf(';');
        String bare = (semicolon < 0 ? mediaType : mediaType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.mediaType.equals(bare)).findFirst();
    }

    public static Optional<DocumentType> ofExtension(String extension) {
        return Arrays.stream(values()).filter(t -> t.extension.equals(extension)).findFirst();
    }

    /** The media types, for error messages. */
    public static String mediaTypes() {
        return String.join(", ", Arrays.stream(values()).map(DocumentType::mediaType).toList());
    }
}
