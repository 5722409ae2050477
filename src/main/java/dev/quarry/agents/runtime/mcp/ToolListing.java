package dev.quarry.agents.runtime.mcp;

import dev.quarry.agents.model.AgentTool;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A server's tools, all pages of {@code tools/list}, filtered by {@code allowed_tools} and bounded:
 * a tool whose name or schema is out of bounds is left out (it could not be offered to a model
 * anyway), a long description is cut, and past {@link #MAX_TOOLS} the rest are ignored. Each
 * with a log line, so a server sending garbage costs its own tools, not the turn.
 */
final class ToolListing {
    private static final Logger LOG = Logger.getLogger(ToolListing.class.getName());

    static final int MAX_TOOLS = 256;
    static final int MAX_NAME_CHARS = 128;
    static final int MAX_DESCRIPTION_CHARS = 8192;
    static final int MAX_SCHEMA_CHARS = 64 << 10;
    /** A server whose pages are all empty or filtered away still ends. */
    static final int MAX_PAGES = 64;
    private static final String NO_SCHEMA = "{\"type\":\"object\",\"properties\":{}}";

    private ToolListing() {}

    static List<McpToolInfo> list(McpSyncClient client, AgentTool.Mcp server, McpJsonMapper json) {
        Map<String, McpToolInfo> kept = new LinkedHashMap<>();
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            McpSchema.ListToolsResult page = client.listTools(cursor);
            pages++;
            for (McpSchema.Tool tool : page.tools() == null ? List.<McpSchema.Tool>of() : page.tools()) {
                if (tool == null || tool.name() == null || !server.allows(tool.name()) || kept.containsKey(tool.name())) continue;
                if (kept.size() == MAX_TOOLS) {
                    LOG.warning(() -> "MCP server '" + server.serverLabel() + "' offers more than " + MAX_TOOLS + " tools; the rest are ignored");
                    return List.copyOf(kept.values());
                }
                McpToolInfo info = bounded(server.serverLabel(), tool, json);
                if (info != null) kept.put(info.name(), info);
            }
            cursor = page.nextCursor();
        } while (cursor != null && cursors.add(cursor) && pages < MAX_PAGES);
        if (cursor != null) {
            int listed = pages;
            LOG.warning(() -> "MCP server '" + server.serverLabel() + "' kept paging tools/list (" + listed + " pages, or a cursor repeated); stopped there");
        }
        return List.copyOf(kept.values());
    }

    /** {@code tool} within bounds, or {@code null} (logged) when it cannot be offered. */
    private static McpToolInfo bounded(String label, McpSchema.Tool tool, McpJsonMapper json) {
        String name = tool.name();
        if (name.isBlank() || name.length() > MAX_NAME_CHARS) {
            LOG.warning(() -> "MCP server '" + label + "' lists a tool whose name is blank or longer than " + MAX_NAME_CHARS
                    + " characters (" + name.length() + "); it is left out");
            return null;
        }
        String schema;
        try {
            schema = tool.inputSchema() == null ? NO_SCHEMA : json.writeValueAsString(tool.inputSchema());
        } catch (IOException e) {
            LOG.warning(() -> "MCP server '" + label + "' lists tool '" + name + "' with an input schema that is not JSON; it is left out");
            return null;
        }
        if (schema.length() > MAX_SCHEMA_CHARS) {
            LOG.warning(() -> "MCP server '" + label + "' lists tool '" + name + "' with an input schema over " + MAX_SCHEMA_CHARS
                    + " characters; it is left out");
            return null;
        }
        String description = tool.description() == null ? "" : tool.description();
        if (description.length() > MAX_DESCRIPTION_CHARS) description = description.substring(0, MAX_DESCRIPTION_CHARS) + "…";
        return new McpToolInfo(name, description, schema);
    }
}
