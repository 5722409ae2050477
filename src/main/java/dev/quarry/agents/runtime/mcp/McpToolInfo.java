package dev.quarry.agents.runtime.mcp;

import java.util.Objects;

/**
 * One tool an MCP server offers, as listed and bounded by {@link ToolListing}.
 *
 * @param description     never {@code null} ({@code ""} when the server gave none)
 * @param inputSchemaJson the tool's input JSON Schema as JSON text
 */
public record McpToolInfo(String name, String description, String inputSchemaJson) {
    public McpToolInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(inputSchemaJson, "inputSchemaJson");
    }
}
