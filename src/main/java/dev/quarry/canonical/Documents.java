package dev.quarry.canonical;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * The checks every surface applies to a document as it decodes one, so that what reaches the
 * canonical model is a known format, well-formed base64, within the size limit, with a name that
 * cannot smuggle a path or a control character to an upstream or a log.
 */
public final class Documents {
    /**
     * The largest document accepted, in decoded bytes: 32 MiB, what OpenAI and Anthropic accept
     * for a PDF. Bedrock's smaller per-document limit is checked where a request leaves for
     * Bedrock. The server's {@code max_body_bytes} (10 MiB by default) applies first.
     */
    public static final long MAX_BYTES = 32L * 1024 * 1024;
    /** Bedrock's limit for one document (4.5 MB), which its surface and its provider both apply. */
    public static final long BEDROCK_MAX_BYTES = 4_718_592;
    /** The longest document name or title accepted: ample for a title, bounded for the guard and the logs. */
    public static final int MAX_NAME = 500;
    /** The longest file name accepted: the usual limit of file systems. */
    public static final int MAX_FILE_NAME = 255;

    private static final String DATA = "data:";
    private static final String BASE64_MARK = ";base64,";

    private Documents() {}

    /**
     * A document given as its media type and base64 bytes.
     *
     * @param name the client's file name or title, or null
     * @throws QuarryException 400 naming the field at fault
     */
    public static ContentBlock.Document of(String mediaType, String typeField, String base64, String dataField, String name, String nameField) {
        DocumentType type = DocumentType.ofMediaType(mediaType).orElseThrow(() -> QuarryException.invalid(typeField,
                "'" + typeField + "' must be a document type: " + DocumentType.mediaTypes() + " (got '" + bounded(mediaType) + "')."));
        if (type.text()) {
            for (String parameter : mediaType.toLowerCase(Locale.ROOT).split(";")) {
                String[] pair = parameter.split("=", 2);
                if (pair.length == 2 && pair[0].strip().equals("charset")
                        && !Set.of("utf-8", "utf8", "us-ascii").contains(pair[1].strip().replace("\"", ""))) {
                    throw notUtf8(typeField);
                }
            }
        }
        return of(type, base64, dataField, name, nameField);
    }

    /** A document of a known type given as base64 bytes; see {@link #of(String, String, String, String, String, String)}. */
    public static ContentBlock.Document of(DocumentType type, String base64, String dataField, String name, String nameField) {
        if (!Base64Text.isBase64(base64)) throw QuarryException.invalid(dataField, "'" + dataField + "' must be non-empty base64 data.");
        requireSize(Base64Text.decodedLength(base64), dataField);
        if (type.text()) requireUtf8(Base64.getDecoder().decode(base64), dataField);
        return new ContentBlock.Document(type, base64, name(name, nameField));
    }

    /**
     * Text documents are read as UTF-8 (by the guard, the token estimate, and the upstreams that
     * take text): in another encoding their text would be read as replacement characters, and an
     * anonymised copy, written back as UTF-8, would lose every byte that is not ASCII.
     */
    private static void requireUtf8(byte[] bytes, String field) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // Checked a buffer at a time: the decoded text of a 32 MiB document is not kept.
        CharBuffer out = CharBuffer.allocate(8192);
        CoderResult result;
        do {
            out.clear();
            result = decoder.decode(in, out, true);
        } while (result.isOverflow());
        if (result.isError() || decoder.flush(out.clear()).isError()) throw notUtf8(field);
    }

    private static QuarryException notUtf8(String field) {
        return QuarryException.invalid(field, "The text document in '" + field + "' must be UTF-8: save it as UTF-8, or send it as PDF.");
    }

    /** A text document given as its text (Anthropic's and Converse's text sources). */
    public static ContentBlock.Document text(DocumentType type, String text, String textField, String name, String nameField) {
        if (!type.text()) throw new IllegalArgumentException(type + " documents are not text");
        if (text.isEmpty()) throw QuarryException.invalid(textField, "'" + textField + "' must not be empty.");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        requireSize(bytes.length, textField);
        return new ContentBlock.Document(type, Base64.getEncoder().encodeToString(bytes), name(name, nameField));
    }

    /** A document given as a {@code data:<media type>;base64,<data>} URL (OpenAI's {@code file_data}). */
    public static ContentBlock.Document dataUrl(String url, String field, String name, String nameField) {
        int mark = url.indexOf(BASE64_MARK);
        if (!url.startsWith(DATA) || mark < 0) {
            throw QuarryException.invalid(field, "'" + field + "' must be a base64 data: URL of a document (data:application/pdf;base64,<data>).");
        }
        return of(url.substring(DATA.length(), mark), field, url.substring(mark + BASE64_MARK.length()), field, name, nameField);
    }

    /**
     * A client's file name, checked as one before it becomes a document's name: a path cannot
     * travel as a name, where an upstream or a log would read it as one.
     *
     * @return the name, or null for none
     */
    public static String fileName(String name, String field) {
        if (name == null) return null;
        if (name.length() > MAX_FILE_NAME) {
            throw QuarryException.invalid(field, "'" + field + "' must be at most " + MAX_FILE_NAME + " characters long (got " + name.length() + ").");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            throw QuarryException.invalid(field, "'" + field + "' must be a plain file name, without path separators.");
        }
        return name;
    }

    /** A name or title: visible text only, since it reaches the model and the logs as it is. */
    private static String name(String name, String field) {
        if (name == null) return null;
        if (name.isBlank() || name.length() > MAX_NAME) {
            throw QuarryException.invalid(field, "'" + field + "' must be 1 to " + MAX_NAME + " characters long (got " + name.length() + ").");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                throw QuarryException.invalid(field, "'" + field + "' must hold no control or invisible formatting characters.");
            }
        }
        return name;
    }

    private static void requireSize(long bytes, String field) {
        requireSize(bytes, MAX_BYTES, field);
    }

    /** @throws QuarryException 400 naming the field and the limit when a document of {@code bytes} is over {@code limit} */
    public static void requireSize(long bytes, long limit, String field) {
        if (bytes > limit) {
            throw QuarryException.invalid(field, "The document in '" + field + "' is " + bytes + " bytes; documents may be at most "
                    + limit + " bytes here.");
        }
    }

    /** Echoes a client's value in an error without echoing a flood. */
    private static String bounded(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "…";
    }
}
