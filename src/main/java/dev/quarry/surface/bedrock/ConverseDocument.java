package dev.quarry.surface.bedrock;

import static dev.quarry.surface.Json.optText;
import static dev.quarry.surface.Json.requireText;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.DocumentType;
import dev.quarry.canonical.Documents;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.Json;
import java.util.regex.Pattern;

/**
 * A Converse {@code document} block → a canonical document, checked as Bedrock checks it: a
 * known format, a name of letters, digits, single spaces, hyphens, parentheses and square
 * brackets (at most 200 characters), and at most 4.5 MB of bytes. Documents in S3 would need AWS
 * credentials Quarry does not hold, and citations would come back as blocks no other surface has.
 */
final class ConverseDocument {
    private static final Pattern NAME = Pattern.compile("[\\p{Alnum}\\-()\\[\\]]+( [\\p{Alnum}\\-()\\[\\]]+)*", Pattern.UNICODE_CHARACTER_CLASS);
    private static final int MAX_NAME = 200;

    private ConverseDocument() {}

    static ContentBlock.Document decode(JsonNode value, String path) {
        refuseCitations(value, path);
        String name = requireText(value, "name", path + ".name");
        if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
            throw QuarryException.invalid(path + ".name", "'" + path + ".name' must be 1 to " + MAX_NAME + " characters: letters, digits,"
                    + " single spaces, hyphens, parentheses and square brackets (a file name without its extension, such as 'report-2025').");
        }
        String format = optText(value, "format", path + ".format");
        DocumentType type = format == null ? null : DocumentType.ofExtension(format).orElseThrow(() -> QuarryException.invalid(
                path + ".format", "'" + path + ".format' must be one of pdf, csv, doc, docx, xls, xlsx, html, txt or md."));
        JsonNode source = Json.requireObject(value, "source", path + ".source");
        ContentBlock.Document document;
        if (source.has("bytes")) {
            if (type == null) throw QuarryException.invalid(path + ".format", "'" + path + ".format' is required for a document given as bytes.");
            document = Documents.of(type, requireText(source, "bytes", path + ".source.bytes"), path + ".source.bytes", name, path + ".name");
        } else if (source.has("text")) {
            DocumentType textType = type == null ? DocumentType.TEXT : type;
            if (!textType.text()) {
                throw QuarryException.invalid(path + ".format", "A '" + format + "' document cannot be given as text; send its bytes in 'source.bytes'.");
            }
            document = Documents.text(textType, requireText(source, "text", path + ".source.text"), path + ".source.text", name, path + ".name");
        } else if (source.has("s3Location")) {
            throw QuarryException.unsupported(path + ".source.s3Location", "Documents in S3 are not supported; send the document bytes inline.");
        } else {
            throw QuarryException.unsupported(path + ".source", "'" + path + ".source' must hold 'bytes' or 'text'.");
        }
        Documents.requireSize(document.size(), Documents.BEDROCK_MAX_BYTES, path + ".source");
        return document;
    }

    private static void refuseCitations(JsonNode value, String path) {
        JsonNode citations = value.get("citations");
        if (citations != null && !citations.isNull() && Json.optBoolean(citations, "enabled", path + ".citations.enabled", false)) {
            throw QuarryException.unsupported(path + ".citations.enabled", "Quarry does not relay citations yet: leave '" + path
                    + ".citations' out or set 'enabled' to false.");
        }
        if (value.hasNonNull("context")) {
            throw QuarryException.unsupported(path + ".context", "A document's 'context' serves citations, which Quarry does not relay;"
                    + " put that text in a text block beside the document.");
        }
    }
}
