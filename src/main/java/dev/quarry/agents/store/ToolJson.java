package dev.quarry.agents.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.AgentTool;
import dev.quarry.agents.model.SecretBox;
import dev.quarry.store.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An agent's tools as stored. MCP credentials are stored sealed only: {@link #seal} turns the
 * clear ones a request carried into sealed ones before a spec is written, and writing clear ones
 * is refused, so a slip cannot put a secret in the database.
 */
public final class ToolJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolJson() {}

    /** {@code tools} with every MCP server's credentials sealed for {@code sessionId}. */
    public static List<AgentTool> seal(List<AgentTool> tools, SecretBox box, String sessionId) {
        return tools.stream().map(tool -> tool instanceof AgentTool.Mcp mcp && mcp.credentials() instanceof AgentTool.McpCredentials.Plain plain
                ? mcp.withCredentials(new AgentTool.McpCredentials.Sealed(box.seal(plainJson(plain), context(sessionId, mcp))))
                : tool).toList();
    }

    /** The clear credentials of {@code mcp} in session {@code sessionId}, {@code null} when it has none. */
    public static AgentTool.McpCredentials.Plain open(AgentTool.Mcp mcp, SecretBox box, String sessionId) {
        return switch (mcp.credentials()) {
            case null -> null;
            case AgentTool.McpCredentials.Plain plain -> plain;
            case AgentTool.McpCredentials.Sealed sealed -> {
                try {
                    JsonNode node = JSON.readTree(box.open(sealed.blob(), context(sessionId, mcp)));
                    Map<String, String> headers = new LinkedHashMap<>();
                    node.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
                    yield new AgentTool.McpCredentials.Plain(SpecJson.text(node.get("authorization")), headers);
                } catch (JsonProcessingException e) {
                    throw new StoreException("sealed MCP credentials are not JSON: " + e.getOriginalMessage(), e);
                }
            }
        };
    }

    private static String context(String sessionId, AgentTool.Mcp mcp) {
        return "agent-session/" + sessionId + "/mcp/" + mcp.serverLabel();
    }

    private static String plainJson(AgentTool.McpCredentials.Plain plain) {
        ObjectNode node = JSON.createObjectNode();
        if (plain.authorization() != null) node.put("authorization", plain.authorization());
        ObjectNode headers = node.putObject("headers");
        plain.headers().forEach(headers::put);
        return node.toString();
    }

    static ArrayNode write(List<AgentTool> tools) {
        ArrayNode out = JSON.createArrayNode();
        for (AgentTool tool : tools) {
            ObjectNode node = out.addObject();
            switch (tool) {
                case AgentTool.Function f -> {
                    node.put("type", "function").put("name", f.name());
                    if (f.description() != null) node.put("description", f.description());
                    if (f.parameters() != null) node.put("parameters", f.parameters());
                }
                case AgentTool.Mcp m -> {
                    node.put("type", "mcp").put("server_label", m.serverLabel()).put("required", m.required());
                    if (m.serverUrl() != null) node.put("server_url", m.serverUrl());
                    if (m.stdio() != null) node.set("stdio", stdio(m.stdio()));
                    if (m.allowedTools() != null) m.allowedTools().forEach(node.putArray("allowed_tools")::add);
                    m.idempotentTools().forEach(node.putArray("idempotent_tools")::add);
                    if (!m.approvalTools().isEmpty()) m.approvalTools().forEach(node.putArray("approval_tools")::add);
                    if (m.credentialId() != null) node.put("credential_id", m.credentialId());
                    switch (m.credentials()) {
                        case null -> { }
                        case AgentTool.McpCredentials.Sealed sealed -> node.put("credentials", sealed.blob());
                        case AgentTool.McpCredentials.Plain plain ->
                                throw new IllegalStateException("MCP credentials must be sealed before they are stored");
                    }
                }
            }
        }
        return out;
    }

    static List<AgentTool> read(JsonNode tools) {
        List<AgentTool> out = new ArrayList<>();
        for (JsonNode node : tools) {
            out.add(switch (node.path("type").asText()) {
                case "function" -> new AgentTool.Function(node.path("name").asText(), SpecJson.text(node.get("description")),
                        SpecJson.text(node.get("parameters")));
                case "mcp" -> new AgentTool.Mcp(node.path("server_label").asText(), node.has("stdio") ? null : node.path("server_url").asText(),
                        node.has("allowed_tools") ? strings(node.get("allowed_tools")) : null, node.path("required").asBoolean(),
                        strings(node.path("idempotent_tools")),
                        node.hasNonNull("credentials") ? new AgentTool.McpCredentials.Sealed(node.get("credentials").asText()) : null,
                        SpecJson.text(node.get("credential_id")), node.has("stdio") ? stdio(node.get("stdio")) : null,
                        strings(node.path("approval_tools")));
                default -> throw new StoreException("an agent spec in the store has a tool of unknown type '" + node.path("type").asText() + "'", null);
            });
        }
        return out;
    }

    private static ObjectNode stdio(AgentTool.Stdio stdio) {
        ObjectNode node = JSON.createObjectNode().put("command", stdio.command());
        stdio.args().forEach(node.putArray("args")::add);
        ObjectNode env = node.putObject("env");
        stdio.env().forEach(env::put);
        if (stdio.cwd() != null) node.put("cwd", stdio.cwd());
        return node;
    }

    private static AgentTool.Stdio stdio(JsonNode node) {
        Map<String, String> env = new LinkedHashMap<>();
        node.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        return new AgentTool.Stdio(node.path("command").asText(), strings(node.path("args")), env, SpecJson.text(node.get("cwd")));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
