package dev.quarry.provider.openai.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ContentBlock;

/**
 * The fields both OpenAI APIs give an inline file: a file name and the bytes as a {@code data:}
 * URL. OpenAI asks for the name with inline data; a document that came without one is named for
 * its type ({@code document.pdf}).
 */
final class FileParts {
    private FileParts() {}

    static ObjectNode fill(ObjectNode file, ContentBlock.Document document) {
        String name = document.name() == null ? "document." + document.type().extension() : document.name();
        return file.put("filename", name).put("file_data", "data:" + document.type().mediaType() + ";base64," + document.base64());
    }
}
