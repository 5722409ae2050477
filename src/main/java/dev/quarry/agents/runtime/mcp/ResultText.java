package dev.quarry.agents.runtime.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A tool's answer as the text the model reads: its content blocks one after another, cut to a bound with a note. */
final class ResultText {
    private ResultText() {}

    static McpResult of(McpSchema.CallToolResult result, McpJsonMapper json, int maxChars) {
        List<String> parts = new ArrayList<>();
        if (result.content() != null) {
            for (McpSchema.Content block : result.content()) {
                if (block != null) parts.add(block(block));
            }
        }
        // A tool may answer with structured content only (MCP 2025-06-18); the model still needs to read it.
        if (parts.isEmpty() && result.structuredContent() != null) parts.add(jsonText(result.structuredContent(), json));
        return new McpResult(Boolean.TRUE.equals(result.isError()), bounded(String.join("\n", parts), maxChars));
    }

    static String bounded(String text, int maxChars) {
        if (text.length() <= maxChars) return text;
        return text.substring(0, maxChars) + "\n[truncated by Quarry: the tool answered " + text.length()
                + " characters; the first " + maxChars + " are kept]";
    }

    /** Binary blocks are described, not inlined: base64 is noise to the model and could fill the bound alone. */
    private static String block(McpSchema.Content block) {
        return switch (block) {
            case McpSchema.TextContent text -> text.text() == null ? "" : text.text();
            case McpSchema.ImageContent image -> "[image " + image.mimeType() + "]";
            case McpSchema.AudioContent audio -> "[audio " + audio.mimeType() + "]";
            case McpSchema.EmbeddedResource embedded -> embedded.resource() instanceof McpSchema.TextResourceContents text && text.text() != null
                    ? text.text() : "[resource " + embedded.resource().uri() + "]";
            case McpSchema.ResourceLink link -> "[resource link " + link.uri() + "]";
            default -> "[" + block.type() + " content]";
        };
    }

    private static String jsonText(Object value, McpJsonMapper json) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            return "[structured content that could not be written as JSON]";
        }
    }
}
