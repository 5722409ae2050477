package dev.quarry.agents.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.EnvironmentSpec;
import dev.quarry.agents.model.SecretBox;
import dev.quarry.store.StoreException;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's environment spec as stored in {@code agent_sessions.environment}. A listening
 * executor's capability token is stored sealed only, as MCP credentials are ({@link ToolJson}).
 */
public final class EnvironmentJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EnvironmentJson() {}

    /** {@code spec} with its secrets sealed for session {@code sessionId}. */
    public static EnvironmentSpec seal(EnvironmentSpec spec, SecretBox box, String sessionId) {
        if (spec instanceof EnvironmentSpec.SelfHosted hosted && hosted.connect() instanceof EnvironmentSpec.Connect.Listening(String url,
                EnvironmentSpec.Secret.Plain(String token))) {
            return hosted.withConnect(new EnvironmentSpec.Connect.Listening(url, new EnvironmentSpec.Secret.Sealed(box.seal(token, context(sessionId)))));
        }
        return spec;
    }

    /** The clear capability token of a listening executor, {@code null} when it has none. */
    public static String token(EnvironmentSpec.Connect.Listening listening, SecretBox box, String sessionId) {
        return switch (listening.token()) {
            case null -> null;
            case EnvironmentSpec.Secret.Plain plain -> plain.value();
            case EnvironmentSpec.Secret.Sealed sealed -> box.open(sealed.blob(), context(sessionId));
        };
    }

    private static String context(String sessionId) {
        return "agent-session/" + sessionId + "/environment/token";
    }

    static String write(EnvironmentSpec spec) {
        ObjectNode node = JSON.createObjectNode().put("type", spec.type());
        switch (spec) {
            case EnvironmentSpec.None none -> { }
            case EnvironmentSpec.SelfHosted hosted -> {
                node.put("workspace_directory", hosted.workspaceDirectory());
                hosted.capabilityDirectories().forEach(node.putArray("capability_directories")::add);
                switch (hosted.connect()) {
                    case EnvironmentSpec.Connect.DialOut dialOut -> node.put("connect", "dial_out");
                    case EnvironmentSpec.Connect.Listening listening -> {
                        ObjectNode connect = node.putObject("connect").put("url", listening.url());
                        switch (listening.token()) {
                            case null -> { }
                            case EnvironmentSpec.Secret.Sealed sealed -> connect.put("token", sealed.blob());
                            case EnvironmentSpec.Secret.Plain plain ->
                                    throw new IllegalStateException("an environment's token must be sealed before it is stored");
                        }
                    }
                }
            }
            case EnvironmentSpec.QuarryLocal local -> {
                node.put("network", local.network());
                node.putObject("limits").put("memory_mb", local.limits().memoryMb()).put("cpu_seconds", local.limits().cpuSeconds())
                        .put("processes", local.limits().processes()).put("disk_mb", local.limits().diskMb());
            }
        }
        if (!spec.requireApproval().isEmpty()) spec.requireApproval().forEach(node.putArray("require_approval")::add);
        return node.toString();
    }

    static EnvironmentSpec read(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new StoreException("an environment spec in the store is not JSON: " + e.getOriginalMessage(), e);
        }
        List<String> approval = strings(node.path("require_approval"));
        return switch (node.path("type").asText()) {
            case "none" -> new EnvironmentSpec.None();
            case "self_hosted" -> {
                JsonNode connect = node.path("connect");
                EnvironmentSpec.Connect how = connect.isObject()
                        ? new EnvironmentSpec.Connect.Listening(connect.path("url").asText(),
                                connect.hasNonNull("token") ? new EnvironmentSpec.Secret.Sealed(connect.get("token").asText()) : null)
                        : new EnvironmentSpec.Connect.DialOut();
                yield new EnvironmentSpec.SelfHosted(node.path("workspace_directory").asText(), strings(node.path("capability_directories")), how,
                        approval);
            }
            case "quarry_local" -> {
                JsonNode limits = node.path("limits");
                yield new EnvironmentSpec.QuarryLocal(node.path("network").asBoolean(false), new EnvironmentSpec.LocalLimits(
                        limits.path("memory_mb").asInt(), limits.path("cpu_seconds").asInt(), limits.path("processes").asInt(),
                        limits.path("disk_mb").asInt()), approval);
            }
            default -> throw new StoreException("an environment spec in the store has unknown type '" + node.path("type").asText() + "'", null);
        };
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
