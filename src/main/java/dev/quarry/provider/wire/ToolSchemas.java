package dev.quarry.provider.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.ToolSpec;

/** Reads the JSON texts of a canonical tool definition into the JSON values upstream tool definitions carry. */
public final class ToolSchemas {
    private ToolSchemas() {}

    /** A function tool's parameter schema; a tool without one takes no arguments. */
    public static JsonNode parameters(ToolSpec tool) {
        if (tool.inputSchema() == null || tool.inputSchema().isBlank()) {
            return Json.object().put("type", "object").set("properties", Json.object());
        }
        return object(tool, "input schema", tool.inputSchema());
    }

    /** A custom tool's input format (e.g. a grammar), or {@code null} for free text. */
    public static JsonNode format(ToolSpec tool) {
        return tool.format() == null || tool.format().isBlank() ? null : object(tool, "format", tool.format());
    }

    private static JsonNode object(ToolSpec tool, String what, String text) {
        return Json.parse(text)
                .filter(JsonNode::isObject)
                .orElseThrow(() -> QuarryException.invalid("tools",
                        "The " + what + " of tool '" + tool.name() + "' is not a JSON object."));
    }
}
