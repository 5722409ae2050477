package dev.quarry.surface.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.AgentTool;
import dev.quarry.agents.model.Ids;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.Json;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An agent's {@code tools}: {@code function} tools the application runs and {@code mcp} tools
 * over HTTP or stdio. Every value is bounded here; an MCP server's secrets ({@code authorization},
 * {@code headers}) are read in and never written out, as the Agents API documents.
 */
final class ToolsCodec {
    static final int MAX_TOOLS = 128;
    static final int DESCRIPTION = 16 * 1024;
    static final int SCHEMA_BYTES = 64 * 1024;
    static final int URL = 2048;
    static final int SECRET = 8192;
    static final int HEADERS = 32;
    static final int ALLOWED_TOOLS = 256;
    static final int TOOL_NAME = 128;
    /** Function names and server labels: what every provider accepts as a tool name. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");
    /** Headers the MCP transport sets itself, or that would change how the request is framed. */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "content-type", "accept", "transfer-encoding",
            "connection", "mcp-session-id", "mcp-protocol-version", "authorization", "last-event-id", "te", "upgrade");
    private static final Set<String> FUNCTION_FIELDS = Set.of("type", "name", "description", "parameters", "defer_loading", "strict");
    private static final Set<String> MCP_FIELDS = Set.of("type", "server_label", "transport", "allowed_tools", "required", "connection_origin",
            "credential_id", "request_metadata", "quarry_idempotent_tools", "quarry_require_approval");
    private static final Set<String> HTTP_FIELDS = Set.of("type", "server_url", "authorization", "headers");
    private static final Set<String> STDIO_FIELDS = Set.of("type", "command", "args", "env", "env_vars", "cwd");
    static final int COMMAND = 4096;
    static final int ARGS = 256;
    /** One argument: room for a classpath, well under the kernel's 128 KiB for one string. */
    static final int ARG = 32 * 1024;
    static final int ENV = 64;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private ToolsCodec() {}

    /**
     * Reads {@code tools} of an agent object; {@code credentials} says whether MCP secrets may be
     * given (a saved agent holds none: they go with each session).
     */
    static List<AgentTool> read(JsonNode agent, String prefix, boolean credentials) {
        List<JsonNode> items = Json.optArray(agent, "tools", prefix + "tools");
        if (items.size() > MAX_TOOLS) throw QuarryException.invalid(prefix + "tools", "An agent may have at most " + MAX_TOOLS + " tools.");
        List<AgentTool> tools = new ArrayList<>();
        Set<String> functions = new HashSet<>();
        Set<String> servers = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String path = prefix + "tools[" + i + "]";
            JsonNode tool = items.get(i);
            if (!tool.isObject()) throw QuarryException.invalid(path, "'" + path + "' must be an object.");
            String type = Json.requireText(tool, "type", path + ".type");
            AgentTool read = switch (type) {
                case "function" -> function(tool, path);
                case "mcp" -> mcp(tool, path, credentials);
                case "web_search", "tool_search", "computer_use", "programmatic_tool_calling" ->
                        throw QuarryException.unsupported(path + ".type", "Tools of type '" + type + "' are not supported.");
                default -> throw QuarryException.invalid(path + ".type", "Unknown tool type '" + shown(type) + "': expected 'function' or 'mcp'.");
            };
            boolean fresh = switch (read) {
                case AgentTool.Function f -> functions.add(f.name());
                case AgentTool.Mcp m -> servers.add(m.serverLabel());
            };
            if (!fresh) throw QuarryException.invalid(path, "'" + path + "' repeats the name of an earlier tool.");
            tools.add(read);
        }
        return tools;
    }

    private static AgentTool.Function function(JsonNode tool, String path) {
        known(tool, FUNCTION_FIELDS, path);
        if (Json.optBoolean(tool, "defer_loading", path + ".defer_loading", false)) {
            throw QuarryException.unsupported(path + ".defer_loading", "'defer_loading' is not supported.");
        }
        String name = name(Json.requireText(tool, "name", path + ".name"), path + ".name");
        String description = bounded(Json.optText(tool, "description", path + ".description"), path + ".description", DESCRIPTION);
        JsonNode parameters = tool.get("parameters");
        String schema = null;
        if (parameters != null && !parameters.isNull()) {
            if (!parameters.isObject()) throw QuarryException.invalid(path + ".parameters", "'" + path + ".parameters' must be a JSON Schema object.");
            schema = Json.write(parameters);
            if (schema.length() > SCHEMA_BYTES) {
                throw QuarryException.invalid(path + ".parameters", "'" + path + ".parameters' must be at most " + SCHEMA_BYTES + " characters of JSON.");
            }
        }
        return new AgentTool.Function(name, description, schema);
    }

    private static AgentTool.Mcp mcp(JsonNode tool, String path, boolean credentials) {
        known(tool, MCP_FIELDS, path);
        absent(tool, "request_metadata", path, "'request_metadata' is not supported.");
        String origin = Json.optText(tool, "connection_origin", path + ".connection_origin");
        if (origin != null && !origin.equals("service")) {
            throw QuarryException.unsupported(path + ".connection_origin", "Only 'connection_origin': 'service' is supported: Quarry calls the server itself.");
        }
        String label = name(Json.requireText(tool, "server_label", path + ".server_label"), path + ".server_label");
        JsonNode transport = Json.requireObject(tool, "transport", path + ".transport");
        String transportPath = path + ".transport";
        String type = Json.requireText(transport, "type", transportPath + ".type");
        String url = null;
        AgentTool.McpCredentials secrets = null;
        AgentTool.Stdio stdio = null;
        switch (type) {
            case "http" -> {
                known(transport, HTTP_FIELDS, transportPath);
                url = serverUrl(Json.requireText(transport, "server_url", transportPath + ".server_url"), transportPath + ".server_url");
                String authorization = secret(Json.optText(transport, "authorization", transportPath + ".authorization"), transportPath + ".authorization");
                Map<String, String> headers = headers(transport, transportPath + ".headers");
                if (!credentials && (authorization != null || !headers.isEmpty())) {
                    throw QuarryException.invalid(authorization != null ? transportPath + ".authorization" : transportPath + ".headers",
                            "A saved agent holds no credentials: give the MCP server's authorization and headers when creating a session.");
                }
                secrets = authorization == null && headers.isEmpty() ? null : new AgentTool.McpCredentials.Plain(authorization, headers);
            }
            case "stdio" -> stdio = stdio(transport, transportPath);
            default -> throw QuarryException.invalid(transportPath + ".type", "Unknown MCP transport '" + shown(type) + "': expected 'http' or 'stdio'.");
        }
        String credentialId = Json.optText(tool, "credential_id", path + ".credential_id");
        if (credentialId != null && !Ids.wellFormed(credentialId)) throw QuarryException.invalid(path + ".credential_id", "'" + path + ".credential_id' must be an id.");
        if (credentialId != null && secrets instanceof AgentTool.McpCredentials.Plain plain && plain.authorization() != null) {
            throw QuarryException.invalid(path + ".credential_id", "Give either '" + path + ".credential_id' or '" + transportPath
                    + ".authorization', not both: each would be the server's Authorization.");
        }
        List<String> allowed = tool.hasNonNull("allowed_tools") ? toolNames(tool, "allowed_tools", path) : null;
        List<String> idempotent = tool.hasNonNull("quarry_idempotent_tools") ? toolNames(tool, "quarry_idempotent_tools", path) : List.of();
        return new AgentTool.Mcp(label, url, allowed, Json.optBoolean(tool, "required", path + ".required", false), idempotent, secrets, credentialId,
                stdio, approval(tool, path));
    }

    /**
     * {@code quarry_require_approval}: {@code "always"}, {@code "never"} (the default) or the names
     * of the tools whose calls wait for a person's approval.
     */
    private static List<String> approval(JsonNode tool, String path) {
        JsonNode value = tool.get("quarry_require_approval");
        if (value == null || value.isNull()) return List.of();
        if (value.isTextual() && value.textValue().equals("always")) return List.of("*");
        if (value.isTextual() && value.textValue().equals("never")) return List.of();
        if (value.isArray()) return toolNames(tool, "quarry_require_approval", path);
        throw QuarryException.invalid(path + ".quarry_require_approval", "'" + path + ".quarry_require_approval' must be 'always', 'never' or a list of tool names.");
    }

    /**
     * A stdio server's command. Its {@code env} values are not credentials: they are stored and
     * shown like the command (secrets for a stdio server come from a vault, not inline).
     */
    private static AgentTool.Stdio stdio(JsonNode transport, String path) {
        known(transport, STDIO_FIELDS, path);
        absent(transport, "env_vars", path, "'env_vars' is not supported: give the variables in 'env'.");
        String command = withoutNul(Json.requireText(transport, "command", path + ".command"), path + ".command", COMMAND);
        if (command.isBlank()) throw QuarryException.invalid(path + ".command", "'" + path + ".command' must not be blank.");
        List<JsonNode> items = Json.optArray(transport, "args", path + ".args");
        if (items.size() > ARGS) throw QuarryException.invalid(path + ".args", "'" + path + ".args' may have at most " + ARGS + " arguments.");
        List<String> args = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String param = path + ".args[" + i + "]";
            if (!items.get(i).isTextual()) throw QuarryException.invalid(param, "'" + param + "' must be a string.");
            args.add(withoutNul(items.get(i).textValue(), param, ARG));
        }
        String cwd = Json.optText(transport, "cwd", path + ".cwd");
        return new AgentTool.Stdio(command, args, env(transport, path + ".env"), cwd == null || cwd.isEmpty() ? null : withoutNul(cwd, path + ".cwd", COMMAND));
    }

    private static Map<String, String> env(JsonNode transport, String param) {
        JsonNode value = transport.get("env");
        if (value == null || value.isNull()) return Map.of();
        if (!value.isObject()) throw QuarryException.invalid(param, "'" + param + "' must be an object of strings.");
        if (value.size() > ENV) throw QuarryException.invalid(param, "'" + param + "' may have at most " + ENV + " variables.");
        Map<String, String> env = new LinkedHashMap<>();
        for (var entry : value.properties()) {
            String name = entry.getKey();
            if (!ENV_NAME.matcher(name).matches()) {
                throw QuarryException.invalid(param, "'" + param + "' has a variable name that is not letters, digits and '_' (not starting with a digit).");
            }
            if (!entry.getValue().isTextual()) throw QuarryException.invalid(param + "." + name, "'" + param + "." + name + "' must be a string.");
            env.put(name, withoutNul(entry.getValue().textValue(), param + "." + name, SECRET));
        }
        return env;
    }

    /** Bounded and without NUL, which no argument, variable or path can hold. */
    private static String withoutNul(String text, String param, int max) {
        bounded(text, param, max);
        if (text.indexOf('\0') >= 0) throw QuarryException.invalid(param, "'" + param + "' must not contain NUL characters.");
        return text;
    }

    /** An absolute {@code http} or {@code https} URL; whether its host may be called is decided when it is called. */
    static String serverUrl(String text, String param) {
        bounded(text, param, URL);
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
                    || uri.getRawFragment() != null) {
                throw QuarryException.invalid(param, "'" + param + "' must be an absolute http or https URL without user info or fragment.");
            }
            return text;
        } catch (URISyntaxException e) {
            throw QuarryException.invalid(param, "'" + param + "' is not a valid URL: " + e.getReason() + ".");
        }
    }

    private static Map<String, String> headers(JsonNode transport, String param) {
        JsonNode value = transport.get("headers");
        if (value == null || value.isNull()) return Map.of();
        if (!value.isObject()) throw QuarryException.invalid(param, "'" + param + "' must be an object of strings.");
        if (value.size() > HEADERS) throw QuarryException.invalid(param, "'" + param + "' may have at most " + HEADERS + " headers.");
        Map<String, String> headers = new LinkedHashMap<>();
        for (var entry : value.properties()) {
            String name = entry.getKey();
            if (!HEADER_NAME.matcher(name).matches()) throw QuarryException.invalid(param, "'" + param + "' has a header name that is not an HTTP token.");
            if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw QuarryException.invalid(param + "." + name, "The header '" + name + "' is set by Quarry"
                        + (name.equalsIgnoreCase("authorization") ? "; give it as 'transport.authorization'." : "."));
            }
            if (!entry.getValue().isTextual()) throw QuarryException.invalid(param + "." + name, "'" + param + "." + name + "' must be a string.");
            headers.put(name, secret(entry.getValue().textValue(), param + "." + name));
        }
        return headers;
    }

    /** A header value: bounded and on one line, so it can never split the request it is sent in. */
    static String secret(String text, String param) {
        if (text == null) return null;
        bounded(text, param, SECRET);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                throw QuarryException.invalid(param, "'" + param + "' must be one line of ISO-8859-1 text without control characters.");
            }
        }
        return text;
    }

    private static List<String> toolNames(JsonNode tool, String field, String path) {
        List<JsonNode> items = Json.optArray(tool, field, path + "." + field);
        if (items.size() > ALLOWED_TOOLS) throw QuarryException.invalid(path + "." + field, "'" + path + "." + field + "' may list at most " + ALLOWED_TOOLS + " tools.");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String param = path + "." + field + "[" + i + "]";
            if (!items.get(i).isTextual() || items.get(i).textValue().isEmpty()) throw QuarryException.invalid(param, "'" + param + "' must be a tool name.");
            names.add(bounded(items.get(i).textValue(), param, TOOL_NAME));
        }
        return names;
    }

    static ArrayNode write(List<AgentTool> tools) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (AgentTool tool : tools) {
            ObjectNode node = out.addObject();
            switch (tool) {
                case AgentTool.Function f -> {
                    // The SDKs require every field of a tool, description and parameters as a string and an object.
                    node.put("type", "function").put("name", f.name()).put("description", f.description() == null ? "" : f.description());
                    node.set("parameters", f.parameters() == null ? Json.object() : Json.parseObject(f.parameters().getBytes(StandardCharsets.UTF_8)));
                    node.put("defer_loading", false);
                }
                case AgentTool.Mcp m -> {
                    node.put("type", "mcp").put("server_label", m.serverLabel());
                    if (m.stdio() == null) {
                        ObjectNode transport = node.putObject("transport").put("type", "http").put("server_url", m.serverUrl());
                        // Sealed headers are never shown; a saved agent's tool (which has none) shows its empty headers, as the SDKs require.
                        if (m.credentials() == null) transport.putObject("headers");
                    } else {
                        ObjectNode transport = node.putObject("transport").put("type", "stdio").put("command", m.stdio().command());
                        m.stdio().args().forEach(transport.putArray("args")::add);
                        ObjectNode env = transport.putObject("env");
                        m.stdio().env().forEach(env::put);
                        if (m.stdio().cwd() != null) transport.put("cwd", m.stdio().cwd());
                    }
                    if (m.allowedTools() == null) node.putNull("allowed_tools");
                    else m.allowedTools().forEach(node.putArray("allowed_tools")::add);
                    node.put("required", m.required());
                    node.put("connection_origin", "service");
                    node.put("credential_id", m.credentialId());
                    node.putObject("request_metadata");
                    if (!m.idempotentTools().isEmpty()) m.idempotentTools().forEach(node.putArray("quarry_idempotent_tools")::add);
                    if (m.approvalTools().contains("*")) node.put("quarry_require_approval", "always");
                    else if (!m.approvalTools().isEmpty()) m.approvalTools().forEach(node.putArray("quarry_require_approval")::add);
                }
            }
        }
        return out;
    }

    private static void known(JsonNode object, Set<String> fields, String path) {
        object.fieldNames().forEachRemaining(name -> {
            if (!fields.contains(name)) throw QuarryException.invalid(path + "." + shown(name), "Unrecognized argument '" + path + "." + shown(name) + "'.");
        });
    }

    private static void absent(JsonNode tool, String field, String path, String message) {
        JsonNode value = tool.get(field);
        if (value != null && !value.isNull() && !(value.isContainerNode() && value.isEmpty())) throw QuarryException.unsupported(path + "." + field, message);
    }

    private static String name(String text, String param) {
        if (!NAME.matcher(text).matches()) throw QuarryException.invalid(param, "'" + param + "' must be 1 to 64 letters, digits, '_' or '-'.");
        return text;
    }

    private static String bounded(String text, String param, int max) {
        if (text != null && text.length() > max) throw QuarryException.invalid(param, "'" + param + "' must be at most " + max + " characters.");
        return text;
    }

    private static String shown(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
