package dev.quarry.surface.bedrock;

import static dev.quarry.surface.Json.optText;
import static dev.quarry.surface.Json.requireText;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.Base64Text;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.DataUrl;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.ToolKind;
import dev.quarry.surface.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converse content blocks → canonical blocks. A Converse block is a union: an object with
 * exactly one member, whose name is the block's kind.
 */
final class ConverseContent {
    /** Which block kinds each place accepts, as Bedrock checks too. */
    enum Place {
        USER(Set.of("text", "image", "document", "toolResult", "cachePoint", "guardContent")),
        ASSISTANT(Set.of("text", "toolUse", "reasoningContent", "cachePoint")),
        SYSTEM(Set.of("text", "cachePoint", "guardContent")),
        TOOL_RESULT(Set.of("text", "json", "image"));

        private final Set<String> kinds;

        Place(Set<String> kinds) {
            this.kinds = kinds;
        }
    }

    private static final Map<String, String> IMAGE_TYPES = Map.of("png", "image/png", "jpeg", "image/jpeg", "gif", "image/gif", "webp", "image/webp");
    private static final Set<String> NOT_SUPPORTED = Set.of("video", "citationsContent", "searchResult");

    private ConverseContent() {}

    static List<ContentBlock> blocks(JsonNode content, String path, Place place) {
        if (content == null || content.isNull()) throw QuarryException.invalid(path, "Missing required parameter: '" + path + "'.");
        if (!content.isArray()) throw QuarryException.invalid(path, "'" + path + "' must be an array of content blocks.");
        List<ContentBlock> blocks = new ArrayList<>(content.size());
        for (int i = 0; i < content.size(); i++) blocks.add(block(content.get(i), path + "[" + i + "]", place));
        return blocks;
    }

    private static ContentBlock block(JsonNode block, String path, Place place) {
        if (!block.isObject() || block.size() != 1) {
            throw QuarryException.invalid(path, "'" + path + "' must be an object with exactly one member, such as {\"text\": \"…\"}.");
        }
        String kind = block.fieldNames().next();
        JsonNode value = block.get(kind);
        String at = path + "." + kind;
        if (NOT_SUPPORTED.contains(kind)) {
            throw QuarryException.unsupported(at, "'" + kind + "' content blocks are not supported by Quarry; send text, image, document, toolUse, "
                    + "toolResult, reasoningContent or cachePoint blocks.");
        }
        if (!place.kinds.contains(kind)) {
            throw QuarryException.invalid(at, "A '" + kind + "' block cannot appear here (" + path + ").");
        }
        return switch (kind) {
            case "text" -> new ContentBlock.Text(text(value, at));
            case "json" -> new ContentBlock.Text(value.toString());
            case "image" -> image(value, at);
            case "document" -> ConverseDocument.decode(value, at);
            case "toolUse" -> new ContentBlock.ToolUse(requireText(value, "toolUseId", at + ".toolUseId"), requireText(value, "name", at + ".name"),
                    Json.requireObject(value, "input", at + ".input").toString(), ToolKind.FUNCTION);
            case "toolResult" -> toolResult(value, at);
            case "reasoningContent" -> reasoning(value, at);
            case "cachePoint" -> cachePoint(value, at);
            // Guard content is text the guardrail should look at; the text is what the model reads.
            case "guardContent" -> new ContentBlock.Text(requireText(Json.requireObject(value, "text", at + ".text"), "text", at + ".text.text"));
            default -> throw new IllegalStateException("a place allows a block kind without a decoder: " + kind);
        };
    }

    private static String text(JsonNode value, String path) {
        if (!value.isTextual()) throw QuarryException.invalid(path, "'" + path + "' must be a string.");
        return value.textValue();
    }

    /** Inline images become {@code data:} URLs; images in S3 would need AWS credentials Quarry does not hold. */
    private static ContentBlock image(JsonNode value, String path) {
        String format = requireText(value, "format", path + ".format");
        String mediaType = IMAGE_TYPES.get(format);
        if (mediaType == null) throw QuarryException.invalid(path + ".format", "'" + path + ".format' must be png, jpeg, gif or webp.");
        JsonNode source = Json.requireObject(value, "source", path + ".source");
        if (source.has("s3Location")) {
            throw QuarryException.unsupported(path + ".source.s3Location", "Images in S3 are not supported; send the image bytes inline.");
        }
        return DataUrl.of(mediaType, path + ".format", requireText(source, "bytes", path + ".source.bytes"), path + ".source.bytes").image();
    }

    private static ContentBlock toolResult(JsonNode value, String path) {
        String status = optText(value, "status", path + ".status");
        if (status != null && !status.equals("success") && !status.equals("error")) {
            throw QuarryException.invalid(path + ".status", "'" + path + ".status' must be success or error.");
        }
        return new ContentBlock.ToolResult(requireText(value, "toolUseId", path + ".toolUseId"),
                blocks(value.get("content"), path + ".content", Place.TOOL_RESULT), "error".equals(status));
    }

    /** Redacted reasoning is opaque; its bytes travel as the signature, the part a provider must return verbatim. */
    private static ContentBlock reasoning(JsonNode value, String path) {
        if (value.has("redactedContent")) {
            return new ContentBlock.Reasoning("", Base64Text.requireToken(requireText(value, "redactedContent", path + ".redactedContent"),
                    path + ".redactedContent"));
        }
        JsonNode text = Json.requireObject(value, "reasoningText", path + ".reasoningText");
        return new ContentBlock.Reasoning(requireText(text, "text", path + ".reasoningText.text"),
                Json.optToken(text, "signature", path + ".reasoningText.signature"));
    }

    /** The canonical cache point has no lifetime; a {@code ttl} is accepted and the provider's default applies. */
    private static ContentBlock cachePoint(JsonNode value, String path) {
        String type = requireText(value, "type", path + ".type");
        if (!type.equals("default")) throw QuarryException.invalid(path + ".type", "'" + path + ".type' must be 'default'.");
        return new ContentBlock.CachePoint();
    }
}
