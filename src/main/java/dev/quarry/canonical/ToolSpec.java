package dev.quarry.canonical;

import java.util.Objects;

/**
 * A tool the model may call.
 *
 * @param inputSchema JSON Schema of a function tool's input, as JSON text ({@code null} for custom tools)
 * @param format      a custom tool's input format (e.g. a grammar), as JSON text, or {@code null}
 */
public record ToolSpec(String name, String description, String inputSchema, ToolKind kind, String format) {
    public ToolSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    public static ToolSpec function(String name, String description, String inputSchema) {
        return new ToolSpec(name, description, inputSchema, ToolKind.FUNCTION, null);
    }
}
