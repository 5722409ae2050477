package dev.quarry.surface.openai;

import static dev.quarry.surface.Json.optText;
import static dev.quarry.surface.Json.requireText;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.Documents;
import dev.quarry.canonical.QuarryException;
import java.util.ArrayList;
import java.util.List;

/**
 * Message content as both OpenAI APIs give it: a string, or an array of typed parts. Only the
 * part types differ between the two; each decoder says how to read its own.
 */
final class ContentParts {

    /** Reads one part of the given type. */
    @FunctionalInterface
    interface PartDecoder {
        ContentBlock decode(String type, JsonNode part, String partPath);
    }

    private ContentParts() {}

    /**
     * A file part's document, from the fields both APIs share ({@code filename}, {@code file_data},
     * {@code file_id}, and Responses' {@code file_url}), read from {@code file} at {@code path}.
     * Quarry has no Files API and does not fetch URLs, so only inline data can be honoured.
     */
    static ContentBlock.Document file(JsonNode file, String path) {
        if (file.hasNonNull("file_id")) {
            throw QuarryException.unsupported(path + ".file_id", "Quarry has no Files API, so '" + path + ".file_id' cannot be "
                    + "honoured: send the file inline in 'file_data' as a data: URL (data:application/pdf;base64,<data>).");
        }
        if (file.hasNonNull("file_url")) {
            throw QuarryException.unsupported(path + ".file_url", "Quarry does not fetch files from URLs, so '" + path + ".file_url' "
                    + "cannot be honoured: send the file inline in 'file_data' as a data: URL (data:application/pdf;base64,<data>).");
        }
        return Documents.dataUrl(requireText(file, "file_data", path + ".file_data"), path + ".file_data",
                Documents.fileName(optText(file, "filename", path + ".filename"), path + ".filename"), path + ".filename");
    }

    static List<ContentBlock> decode(JsonNode content, String path, PartDecoder parts) {
        if (content == null || content.isNull()) throw QuarryException.invalid(path, "Missing required parameter: '" + path + "'.");
        if (content.isTextual()) return List.of(new ContentBlock.Text(content.textValue()));
        if (!content.isArray()) throw QuarryException.invalid(path, "'" + path + "' must be a string or an array of content parts.");
        List<ContentBlock> blocks = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partPath = path + "[" + i + "]";
            blocks.add(parts.decode(requireText(part, "type", partPath + ".type"), part, partPath));
        }
        return blocks;
    }
}
