package dev.quarry.surface.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.EnvironmentCredential;
import dev.quarry.agents.model.EnvironmentSpec;
import dev.quarry.agents.model.EnvironmentState;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.Json;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A session's {@code environment}: {@code none}; {@code self_hosted} as the Agents API documents it
 * ({@code workspace_directory}, {@code capability_directories}) with Quarry's
 * {@code quarry_connect: {url, capability_token}} naming the listening {@code codex exec-server} to
 * dial, or without it for an executor that dials out to Quarry ({@code --remote}; the creation's
 * answer alone shows its {@code quarry_credential}); or Quarry's {@code quarry_local}. Both may carry
 * {@code quarry_require_approval}.
 */
final class EnvironmentCodec {
    /** The harness tools a person may be asked to approve. */
    static final Set<String> APPROVABLE = Set.of("shell", "read_file", "list_dir", "write_file", "apply_patch", "load_skill");
    private static final int MAX_PATH = 4096;
    private static final int MAX_CAPABILITY_DIRECTORIES = 32;
    private static final int MAX_TOKEN = 4096;
    private static final int MAX_URL = 2048;

    private EnvironmentCodec() {}

    static EnvironmentSpec read(JsonNode body) {
        JsonNode environment = body.get("environment");
        if (environment == null || environment.isNull()) return new EnvironmentSpec.None();
        if (!environment.isObject()) throw QuarryException.invalid("environment", "'environment' must be an object.");
        String type = Json.optText(environment, "type", "environment.type");
        if (type == null) throw QuarryException.invalid("environment.type", "Missing required parameter: 'environment.type'.");
        return switch (type) {
            case "none" -> {
                known(environment, Set.of("type"));
                yield new EnvironmentSpec.None();
            }
            case "self_hosted" -> selfHosted(environment);
            case "quarry_local" -> local(environment);
            case "openai_hosted" -> throw QuarryException.unsupported("environment.type",
                    "Environment type 'openai_hosted' runs on OpenAI's machines; with Quarry use 'self_hosted' or 'quarry_local'.");
            default -> throw QuarryException.invalid("environment.type",
                    "Invalid 'environment.type': '" + shown(type) + "'. Expected 'none', 'self_hosted' or 'quarry_local'.");
        };
    }

    private static EnvironmentSpec selfHosted(JsonNode environment) {
        known(environment, Set.of("type", "workspace_directory", "capability_directories", "quarry_connect", "quarry_require_approval"));
        String workspace = Json.optText(environment, "workspace_directory", "environment.workspace_directory");
        workspace = absolute(workspace == null ? "/workspace" : workspace, "environment.workspace_directory");
        List<String> capabilities = new ArrayList<>();
        List<JsonNode> given = Json.optArray(environment, "capability_directories", "environment.capability_directories");
        if (given.size() > MAX_CAPABILITY_DIRECTORIES) {
            throw QuarryException.invalid("environment.capability_directories",
                    "'environment.capability_directories' may name at most " + MAX_CAPABILITY_DIRECTORIES + " folders.");
        }
        for (int i = 0; i < given.size(); i++) {
            String param = "environment.capability_directories[" + i + "]";
            if (!given.get(i).isTextual()) throw QuarryException.invalid(param, "'" + param + "' must be a string.");
            capabilities.add(absolute(given.get(i).textValue(), param));
        }
        JsonNode connect = environment.get("quarry_connect");
        if (connect == null || connect.isNull()) {
            // The executor dials out to Quarry (codex exec-server --remote): its credential is minted at creation.
            return new EnvironmentSpec.SelfHosted(workspace, capabilities, new EnvironmentSpec.Connect.DialOut(), approval(environment));
        }
        if (!connect.isObject()) throw QuarryException.invalid("environment.quarry_connect", "'environment.quarry_connect' must be an object.");
        known(connect, Set.of("url", "capability_token"), "environment.quarry_connect.");
        String url = executorUrl(Json.requireText(connect, "url", "environment.quarry_connect.url"));
        // Quarry dials only executors started with --ws-auth capability-token: without a token the turn could never connect.
        String token = Json.requireText(connect, "capability_token", "environment.quarry_connect.capability_token");
        if (token.isEmpty() || token.length() > MAX_TOKEN || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw QuarryException.invalid("environment.quarry_connect.capability_token",
                    "'environment.quarry_connect.capability_token' must be 1 to " + MAX_TOKEN + " printable ASCII characters without spaces.");
        }
        return new EnvironmentSpec.SelfHosted(workspace, capabilities, new EnvironmentSpec.Connect.Listening(url,
                new EnvironmentSpec.Secret.Plain(token)), approval(environment));
    }

    private static EnvironmentSpec local(JsonNode environment) {
        known(environment, Set.of("type", "network", "limits", "quarry_require_approval"));
        String network = Json.optText(environment, "network", "environment.network");
        if (network != null && !network.equals("disabled") && !network.equals("enabled")) {
            throw QuarryException.invalid("environment.network", "'environment.network' must be 'disabled' or 'enabled'.");
        }
        EnvironmentSpec.LocalLimits d = EnvironmentSpec.LocalLimits.DEFAULT;
        EnvironmentSpec.LocalLimits limits = d;
        JsonNode given = environment.get("limits");
        if (given != null && !given.isNull()) {
            if (!given.isObject()) throw QuarryException.invalid("environment.limits", "'environment.limits' must be an object.");
            known(given, Set.of("memory_mb", "cpu_seconds", "processes", "disk_mb"), "environment.limits.");
            limits = new EnvironmentSpec.LocalLimits(limit(given, "memory_mb", d.memoryMb(), 64, 65_536),
                    limit(given, "cpu_seconds", d.cpuSeconds(), 1, 86_400), limit(given, "processes", d.processes(), 1, 4096),
                    limit(given, "disk_mb", d.diskMb(), 1, 1_048_576));
        }
        return new EnvironmentSpec.QuarryLocal("enabled".equals(network), limits, approval(environment));
    }

    private static int limit(JsonNode limits, String field, int fallback, int least, int most) {
        String param = "environment.limits." + field;
        Integer value = Json.optInt(limits, field, param, least);
        if (value == null) return fallback;
        if (value > most) throw QuarryException.invalid(param, "'" + param + "' must be from " + least + " to " + most + ".");
        return value;
    }

    private static List<String> approval(JsonNode environment) {
        List<String> tools = new ArrayList<>();
        for (JsonNode tool : Json.optArray(environment, "quarry_require_approval", "environment.quarry_require_approval")) {
            if (!tool.isTextual() || !APPROVABLE.contains(tool.textValue())) {
                throw QuarryException.invalid("environment.quarry_require_approval",
                        "'environment.quarry_require_approval' may name only " + String.join(", ", APPROVABLE.stream().sorted().toList()) + ".");
            }
            if (!tools.contains(tool.textValue())) tools.add(tool.textValue());
        }
        return tools;
    }

    /**
     * A {@code ws://} or {@code wss://} URL with a host and no user info (which tests for the allowed hosts happen at connect),
     * its scheme written in lower case as the dialer takes it.
     */
    private static String executorUrl(String url) {
        String param = "environment.quarry_connect.url";
        if (url.length() > MAX_URL) throw QuarryException.invalid(param, "'" + param + "' must be at most " + MAX_URL + " characters.");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw QuarryException.invalid(param, "'" + param + "' is not a URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) throw QuarryException.invalid(param, "'" + param + "' must be a ws:// or wss:// URL.");
        if (uri.getHost() == null) throw QuarryException.invalid(param, "'" + param + "' has no host.");
        if (uri.getRawUserInfo() != null) {
            throw QuarryException.invalid(param, "'" + param + "' must not carry user info; give the token as 'capability_token'.");
        }
        return scheme + url.substring(scheme.length());
    }

    private static String absolute(String path, String param) {
        if (path.isEmpty() || path.length() > MAX_PATH || !path.startsWith("/") || path.indexOf('\u0000') >= 0) {
            throw QuarryException.invalid(param, "'" + param + "' must be an absolute path of at most " + MAX_PATH + " characters.");
        }
        for (String part : path.split("/")) {
            if (part.equals("..")) throw QuarryException.invalid(param, "'" + param + "' must not contain '..'.");
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static void known(JsonNode object, Set<String> fields) {
        known(object, fields, "environment.");
    }

    private static void known(JsonNode object, Set<String> fields, String prefix) {
        object.fieldNames().forEachRemaining(name -> {
            if (!fields.contains(name)) {
                throw QuarryException.invalid(prefix + shown(name), "Unrecognized request argument supplied: '" + prefix + shown(name) + "'.");
            }
        });
    }

    private static String shown(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }

    /**
     * A creation's answer for an environment whose executor dials out: where it dials ({@code remote_url},
     * this Quarry's {@code /v1}) and, this once, the credential it signs with.
     */
    static void dialOut(ObjectNode environment, String remoteUrl, EnvironmentCredential credential) {
        environment.put("remote_url", remoteUrl);
        environment.set("quarry_credential", Json.object().put("access_key_id", credential.accessKeyId())
                .put("secret_access_key", credential.secretAccessKey()));
    }

    /** The session object's {@code environment}: the spec (never its token) and, for one with an executor, its state. */
    static ObjectNode write(EnvironmentSpec spec, EnvironmentState state) {
        ObjectNode out = Json.object().put("type", spec.type());
        switch (spec) {
            case EnvironmentSpec.None none -> {
                return out;
            }
            case EnvironmentSpec.SelfHosted hosted -> {
                out.put("workspace_directory", hosted.workspaceDirectory());
                hosted.capabilityDirectories().forEach(out.putArray("capability_directories")::add);
                if (hosted.connect() instanceof EnvironmentSpec.Connect.Listening listening) {
                    out.put("remote_url", listening.url());
                    out.set("quarry_connect", Json.object().put("url", listening.url()));
                }
            }
            case EnvironmentSpec.QuarryLocal local -> {
                out.put("network", local.network() ? "enabled" : "disabled");
                out.set("limits", Json.object().put("memory_mb", local.limits().memoryMb()).put("cpu_seconds", local.limits().cpuSeconds())
                        .put("processes", local.limits().processes()).put("disk_mb", local.limits().diskMb()));
            }
        }
        spec.requireApproval().forEach(out.withArray("quarry_require_approval")::add);
        // The live state as its events show it: id, status, error and the executor's version (its type is the spec's).
        if (state != null) out.setAll((ObjectNode) SessionEventsCodec.environment(state).without("type"));
        return out;
    }
}
