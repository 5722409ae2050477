package dev.quarry.agents.runtime;

/**
 * The name a model sees an MCP server's tool under: {@code <server_label>__<tool>}, cut to the
 * 64 characters every provider accepts; the runner keeps which name is which tool.
 */
final class McpToolNames {
    static final String SEPARATOR = "__";

    private McpToolNames() {}

    static String name(String serverLabel, String tool) {
        StringBuilder name = new StringBuilder(serverLabel).append(SEPARATOR);
        for (int i = 0; i < tool.length(); i++) {
            char c = tool.charAt(i);
            name.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ? c : '_');
        }
        return name.length() > 64 ? name.substring(0, 64) : name.toString();
    }
}
