package dev.quarry.canonical;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/** A piece of a message. The set is closed: a codec that meets a new kind must decide what to do. */
public sealed interface ContentBlock {

    record Text(String text) implements ContentBlock {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * An image, either inline ({@code data:} URL) or by reference (https URL).
     * Kept as the URL the client sent so that a pass-through costs nothing.
     */
    record Image(String url) implements ContentBlock {
        public Image {
            Objects.requireNonNull(url, "url");
        }

        public boolean inline() {
            return url.startsWith("data:");
        }
    }

    /**
     * A document the model reads (a PDF, a spreadsheet, a text file), as the base64 of its bytes,
     * which is how every surface and provider carries one. Built through {@link Documents}, which
     * checks the data, the size and the name.
     *
     * @param name the client's file name or title, or null when it gave none
     */
    record Document(DocumentType type, String base64, String name) implements ContentBlock {
        public Document {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(base64, "base64");
        }

        /** The size of the document in bytes. */
        public long size() {
            return Base64Text.decodedLength(base64);
        }

        /** The content of a {@link DocumentType#text() text} document. */
        public String text() {
            if (!type.text()) throw new IllegalStateException(type + " documents are not text");
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        }
    }

    /**
     * A tool call made by the assistant. For {@link ToolKind#FUNCTION} tools {@code input} is a
     * JSON object as text; for {@link ToolKind#CUSTOM} (free-form) tools it is the raw text.
     */
    record ToolUse(String id, String name, String input, ToolKind kind) implements ContentBlock {
        public ToolUse {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** The result of a tool call, sent back by the client. */
    record ToolResult(String toolUseId, List<ContentBlock> content, boolean error) implements ContentBlock {
        public ToolResult {
            Objects.requireNonNull(toolUseId, "toolUseId");
            content = List.copyOf(content);
        }

        public String text() {
            return new Message(Role.USER, content).text();
        }
    }

    /** Model reasoning ("thinking"), with the provider's signature when it gives one. */
    record Reasoning(String text, String signature) implements ContentBlock {
        public Reasoning {
            Objects.requireNonNull(text, "text");
        }
    }

    /** Marks the end of a prompt prefix the provider may cache. */
    record CachePoint() implements ContentBlock {}
}
