package dev.quarry.surface.anthropic;

import static dev.quarry.surface.Json.optText;
import static dev.quarry.surface.Json.optToken;
import static dev.quarry.surface.Json.requireText;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.Base64Text;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.DataUrl;
import dev.quarry.canonical.DocumentType;
import dev.quarry.canonical.Documents;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.ToolKind;
import dev.quarry.surface.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Anthropic content blocks → canonical blocks.
 *
 * <p>A block that carries {@code cache_control} is followed by a {@link ContentBlock.CachePoint}:
 * Anthropic caches the prompt up to and including that block, which is what a cache point after
 * it says. The canonical cache point has no lifetime, so a {@code ttl} is not kept. A
 * {@code cache_control} inside a tool result's content marks the end of that tool result.
 */
final class ContentDecoder {
    /** Who wrote the content decides which blocks it may hold, as Anthropic's API checks too. */
    enum Author {
        USER(Set.of("text", "image", "document", "tool_result")),
        ASSISTANT(Set.of("text", "tool_use", "thinking", "redacted_thinking")),
        SYSTEM(Set.of("text"));

        private final Set<String> blocks;

        Author(Set<String> blocks) {
            this.blocks = blocks;
        }
    }

    private static final Set<String> KNOWN = Arrays.stream(Author.values()).flatMap(a -> a.blocks.stream()).collect(Collectors.toSet());

    private ContentDecoder() {}

    /** Content as a string (one text block) or an array of blocks. */
    static List<ContentBlock> content(JsonNode content, String path, Author author) {
        if (content == null || content.isNull()) throw QuarryException.invalid(path, "Missing required parameter: '" + path + "'.");
        if (content.isTextual()) return List.of(new ContentBlock.Text(content.textValue()));
        if (!content.isArray()) throw QuarryException.invalid(path, "'" + path + "' must be a string or an array of content blocks.");
        List<ContentBlock> blocks = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String blockPath = path + "[" + i + "]";
            if (!block.isObject()) throw QuarryException.invalid(blockPath, "'" + blockPath + "' must be an object.");
            String type = requireText(block, "type", blockPath + ".type");
            if (!KNOWN.contains(type)) {
                throw QuarryException.unsupported(blockPath + ".type", "Content blocks of type '" + type
                        + "' are not supported; send text, image, document, tool_use, tool_result, thinking or redacted_thinking blocks.");
            }
            if (!author.blocks.contains(type)) {
                throw QuarryException.invalid(blockPath + ".type", "'" + type + "' blocks cannot appear in a "
                        + author.name().toLowerCase(Locale.ROOT) + " message (" + blockPath + ").");
            }
            boolean cached = cached(block, blockPath);
            switch (type) {
                case "text" -> blocks.add(text(block, blockPath));
                case "image" -> blocks.add(image(block, blockPath));
                case "document" -> document(block, blockPath, blocks);
                case "tool_use" -> blocks.add(new ContentBlock.ToolUse(requireText(block, "id", blockPath + ".id"),
                        requireText(block, "name", blockPath + ".name"),
                        Json.requireObject(block, "input", blockPath + ".input").toString(), ToolKind.FUNCTION));
                case "tool_result" -> cached |= toolResult(block, blockPath, blocks);
                case "thinking" -> blocks.add(new ContentBlock.Reasoning(requireText(block, "thinking", blockPath + ".thinking"),
                        optToken(block, "signature", blockPath + ".signature")));
                // Redacted thinking is opaque: its data travels as the signature, the part a provider must return verbatim.
                case "redacted_thinking" -> blocks.add(new ContentBlock.Reasoning("",
                        Base64Text.requireToken(requireText(block, "data", blockPath + ".data"), blockPath + ".data")));
                default -> throw new IllegalStateException("an author's block type without a decoder: " + type);
            }
            if (cached) blocks.add(new ContentBlock.CachePoint());
        }
        return blocks;
    }

    /** Decodes a tool result into {@code blocks}; returns whether a block inside it asked for caching. */
    private static boolean toolResult(JsonNode block, String path, List<ContentBlock> blocks) {
        String id = requireText(block, "tool_use_id", path + ".tool_use_id");
        boolean error = Json.optBoolean(block, "is_error", path + ".is_error", false);
        JsonNode content = block.get("content");
        List<ContentBlock> parts = new ArrayList<>();
        boolean cached = false;
        if (content != null && content.isTextual()) {
            parts.add(new ContentBlock.Text(content.textValue()));
        } else if (content != null && content.isArray()) {
            for (int i = 0; i < content.size(); i++) {
                JsonNode part = content.get(i);
                String partPath = path + ".content[" + i + "]";
                String type = requireText(part, "type", partPath + ".type");
                switch (type) {
                    case "text" -> parts.add(text(part, partPath));
                    case "image" -> parts.add(image(part, partPath));
                    case "tool_reference" -> parts.add(toolReference(part, partPath));
                    default -> throw QuarryException.unsupported(partPath + ".type",
                            "Tool results may hold 'text', 'image' and 'tool_reference' blocks; '" + type + "' is not supported.");
                }
                cached |= cached(part, partPath);
            }
        } else if (content != null && !content.isNull()) {
            throw QuarryException.invalid(path + ".content", "'" + path + ".content' must be a string or an array of content blocks.");
        }
        // No content at all is a tool that ran and returned nothing.
        blocks.add(new ContentBlock.ToolResult(id, parts, error));
        return cached;
    }

    private static ContentBlock.Text text(JsonNode block, String path) {
        return new ContentBlock.Text(requireText(block, "text", path + ".text"));
    }

    /**
     * A tool search's answer (Claude Code's ToolSearch): Anthropic expands the reference into the
     * named tool's definition. Quarry offers every declared tool from the start, deferred or not,
     * so the model only needs to read which tool it can now call.
     */
    private static ContentBlock.Text toolReference(JsonNode block, String path) {
        return new ContentBlock.Text("Tool " + requireText(block, "tool_name", path + ".tool_name") + " is loaded and can be called now.");
    }

    /** Inline images become {@code data:} URLs, linked ones keep their URL. */
    private static ContentBlock.Image image(JsonNode block, String path) {
        JsonNode source = Json.requireObject(block, "source", path + ".source");
        String type = requireText(source, "type", path + ".source.type");
        return switch (type) {
            case "base64" -> DataUrl.of(requireText(source, "media_type", path + ".source.media_type"), path + ".source.media_type",
                    requireText(source, "data", path + ".source.data"), path + ".source.data").image();
            case "url" -> DataUrl.image(requireText(source, "url", path + ".source.url"), path + ".source.url");
            default -> throw QuarryException.unsupported(path + ".source.type", "Image sources of type '" + type
                    + "' are not supported; send a 'base64' or 'url' source (Quarry has no Files API for file ids).");
        };
    }

    /**
     * A document, as Anthropic takes one: a PDF in a base64 source or plain text in a text source.
     * Its {@code title} is kept as the document's name; its {@code context} (what the model may
     * read about the document but not cite) follows it as a text block, which is what the model
     * reads elsewhere. Citations would come back as blocks no other surface has, so they cannot
     * be asked for.
     */
    private static void document(JsonNode block, String path, List<ContentBlock> blocks) {
        JsonNode citations = block.get("citations");
        if (citations != null && !citations.isNull()) {
            if (!citations.isObject()) throw QuarryException.invalid(path + ".citations", "'" + path + ".citations' must be an object.");
            if (Json.optBoolean(citations, "enabled", path + ".citations.enabled", false)) {
                throw QuarryException.unsupported(path + ".citations.enabled", "Quarry does not relay citations yet: leave '"
                        + path + ".citations' out or set 'enabled' to false.");
            }
        }
        String title = optText(block, "title", path + ".title");
        JsonNode source = Json.requireObject(block, "source", path + ".source");
        String type = requireText(source, "type", path + ".source.type");
        blocks.add(switch (type) {
            case "base64" -> {
                String mediaType = requireMediaType(source, "application/pdf", path);
                yield Documents.of(mediaType, path + ".source.media_type", requireText(source, "data", path + ".source.data"),
                        path + ".source.data", title, path + ".title");
            }
            case "text" -> {
                requireMediaType(source, "text/plain", path);
                yield Documents.text(DocumentType.TEXT, requireText(source, "data", path + ".source.data"), path + ".source.data", title, path + ".title");
            }
            default -> throw QuarryException.unsupported(path + ".source.type", "Document sources of type '" + type
                    + "' are not supported; send a 'base64' (PDF) or 'text' source (Quarry has no Files API and does not fetch URLs).");
        });
        String context = optText(block, "context", path + ".context");
        if (context != null) blocks.add(new ContentBlock.Text(context));
    }

    private static String requireMediaType(JsonNode source, String expected, String path) {
        String mediaType = requireText(source, "media_type", path + ".source.media_type");
        if (!mediaType.equals(expected)) {
            throw QuarryException.invalid(path + ".source.media_type", "'" + path + ".source.media_type' must be '" + expected
                    + "' for this source (got '" + (mediaType.length() > 100 ? mediaType.substring(0, 100) + "…" : mediaType) + "').");
        }
        return mediaType;
    }

    private static boolean cached(JsonNode block, String path) {
        JsonNode control = block.get("cache_control");
        if (control == null || control.isNull()) return false;
        if (!control.isObject()) throw QuarryException.invalid(path + ".cache_control", "'" + path + ".cache_control' must be an object.");
        return true;
    }
}
