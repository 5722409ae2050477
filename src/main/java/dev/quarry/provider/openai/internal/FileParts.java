package dev.quarry.provider.openai.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ContentBlock;
import java.util.Locale;

/**
 * The fields both OpenAI APIs give an inline file: a file name and the bytes as a {@code data:}
 * URL. OpenAI asks for the name with inline data and reads the file's type from its extension, so
 * the name always ends in the type's: a title from another API ("Q3 report") becomes
 * {@code Q3 report.pdf}, a document without a name {@code document.pdf}, and a slash in a title
 * a hyphen, since a file name is no path.
 */
final class FileParts {
    private FileParts() {}

    static ObjectNode fill(ObjectNode file, ContentBlock.Document document) {
        String extension = "." + document.type().extension();
        String name = document.name() == null ? "document" : document.name().replace('/', '-').replace('\\', '-');
        if (!name.toLowerCase(Locale.ROOT).endsWith(extension)) name += extension;
        return file.put("filename", name).put("file_data", "data:" + document.type().mediaType() + ";base64," + document.base64());
    }
}
