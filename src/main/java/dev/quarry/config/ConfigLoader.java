package dev.quarry.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.quarry.canonical.QuarryException;
import dev.quarry.catalog.Capability;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelKind;
import dev.quarry.catalog.Price;
import dev.quarry.guardrails.GuardrailJson;
import dev.quarry.guardrails.GuardrailRef;
import dev.quarry.guardrails.GuardrailSettings;
import dev.quarry.guardrails.GuardrailSpec;
import dev.quarry.pricing.Platforms;
import dev.quarry.provider.ProviderOption;
import dev.quarry.provider.ProviderType;
import dev.quarry.provider.ProviderTypes;
import dev.quarry.ratelimit.RateLimit;
import dev.quarry.ratelimit.Scope;
import dev.quarry.routing.CooldownPolicy;
import dev.quarry.routing.Experiment;
import dev.quarry.routing.ModelRoutes;
import dev.quarry.routing.RetryPolicy;
import dev.quarry.routing.RoutingSettings;
import dev.quarry.routing.Strategy;
import dev.quarry.store.Durability;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the YAML configuration file. Every mistake is reported with the file and the field's
 * path ({@code models[2].deployments[0].provider}), and unknown keys are refused rather than
 * ignored, so a typo never silently changes behaviour.
 *
 * <pre>
 * server:   { host: 127.0.0.1, port: 8080, max_body_bytes: 10485760, shutdown_grace_seconds: 30,
 *             max_connections: 4096, max_connections_per_client: 256, header_timeout_seconds: 10, idle_timeout_seconds: 60 }
 * store:    { url: jdbc:postgresql://127.0.0.1:5432/quarry }   # default: SQLite in the data folder
 * providers:
 *   - { name: openai, type: openai, base_url: https://api.openai.com/v1, api_key_env: OPENAI_API_KEY, api: responses }
 * models:
 *   - id: gpt-5.5
 *     aliases: [gpt]
 *     capabilities: [tools, vision, reasoning, prompt_cache, documents]   # replaces a built-in model's set
 *     family: gpt                                  # a model the configuration adds: its tokenizer and policy family
 *     deployments:                                 # region, weight, priority, context_window, rpm, tpm optional
 *       - { provider: openai, model: gpt-5.5, region: us-east-1, priority: 0, rpm: 500, tpm: 2000000 }
 *       - { provider: azure-eu, model: gpt-55, region: eu-west-1, priority: 1 }
 *     price: { input: 1.25, output: 10, cache_read: 0.125, cache_write: 0 }
 *     routing: { strategy: priority, fallbacks: [claude-sonnet-4-5], context_window_fallbacks: [gemini-2.5-pro],
 *                content_policy_fallbacks: [] }
 * rate_limits:                                   # name "*" limits each principal (group, ...) separately
 *   - { scope: principal, name: "*", requests_per_minute: 60, tokens_per_minute: 100000 }
 *   - { scope: deployment, name: openai/gpt-5.5, tokens_per_minute: 2000000 }
 * redis:    { url: redis://127.0.0.1:6379 }      # share rate-limit counters between nodes
 * ledger:   { durability: process }              # or power: each ledger/audit commit waits for its fsync
 * routing:  { max_attempts: 4, attempts_per_model: 2, initial_backoff_ms: 100, max_backoff_ms: 2000,
 *             attempt_timeout_seconds: 60, total_timeout_seconds: 180,
 *             cooldown: { allowed_failures: 3, window_seconds: 60, cooldown_seconds: 30, throttled_cooldown_seconds: 1 } }
 * experiments:
 *   - { id: gpt-vs-claude, model: assistant, sticky: principal,
 *       variants: [{ name: gpt, model: gpt-5.5, weight: 50 }, { name: claude, model: claude-sonnet-4-5, weight: 50 }] }
 * </pre>
 */
public final class ConfigLoader {
    /** A key given twice in one mapping is refused: YAML's last-one-wins would drop the first silently, a whole block at a time. */
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private static final Pattern FAMILY = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    private final String file;

    /** Deployments' capacities ({@code rpm}, {@code tpm}), gathered while reading models: they are rate limits on the deployment. */
    private final List<RateLimit> capacities = new ArrayList<>();
    private final Map<String, ModelRoutes> routes = new LinkedHashMap<>();

    private ConfigLoader(String file) {
        this.file = file;
    }

    public static QuarryConfig load(Path path, Path dataDir) {
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            // The JDK's message for a missing or unreadable file is often the path alone.
            String reason = e instanceof NoSuchFileException ? "no such file" : e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
            throw new ConfigException("cannot read the configuration file " + path + ": " + reason, e);
        }
        return parse(text, path.toString(), dataDir);
    }

    /** Where and what, on one line: the YAML parser's own message spans several, with an excerpt of the file. */
    private static String yamlProblem(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
                return " at line " + (yaml.getProblemMark().getLine() + 1) + ", column " + (yaml.getProblemMark().getColumn() + 1)
                        + ": " + yaml.getProblem();
            }
        }
        if (e instanceof JsonProcessingException json && json.getLocation() != null && json.getLocation().getLineNr() > 0) {
            return " at line " + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr() + ": "
                    + json.getOriginalMessage().lines().findFirst().orElse("");
        }
        return ": " + e.getMessage().lines().findFirst().orElse("");
    }

    public static QuarryConfig parse(String yaml, String fileName, Path dataDir) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new ConfigException(fileName + " is not valid YAML" + yamlProblem(e), e);
        }
        ConfigLoader loader = new ConfigLoader(fileName);
        if (root == null || root.isMissingNode() || root.isNull()) return QuarryConfig.defaults(dataDir);
        loader.expectKeys(root, "", Set.of("server", "store", "providers", "models", "rate_limits", "redis", "routing", "experiments",
                "guardrails", "default_guardrail", "agents", "ledger"));
        List<ModelConfig> models = loader.models(root.path("models"));
        return new QuarryConfig(
                loader.server(root.path("server")),
                dataDir,
                loader.optText(root.path("store"), "url", "store.url"),
                loader.providers(root.path("providers")),
                models,
                loader.rateLimits(root.path("rate_limits")),
                loader.redisUrl(root.path("redis")),
                new RoutingSettings(loader.routes, loader.retry(root.path("routing")), loader.cooldown(root.path("routing").path("cooldown")),
                        loader.experiments(root.path("experiments"))),
                new GuardrailSettings(loader.guardrails(root.path("guardrails")), loader.defaultGuardrail(root)),
                loader.agents(root.path("agents")),
                loader.ledgerDurability(root.path("ledger")));
    }

    private Durability ledgerDurability(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) return Durability.DEFAULT;
        expectKeys(node, "ledger", Set.of("durability"));
        String name = optText(node, "durability", "ledger.durability");
        if (name == null) return Durability.DEFAULT;
        return Durability.named(name).orElseThrow(() -> new ConfigException(file + ": ledger.durability must be one of "
                + Arrays.stream(Durability.values()).map(Durability::configName).toList() + ", not '" + name + "'"));
    }

    private AgentsSettings agents(JsonNode node) {
        AgentsSettings d = AgentsSettings.DEFAULTS;
        if (node.isMissingNode() || node.isNull()) return d;
        expectKeys(node, "agents", Set.of("node", "lease_seconds", "max_running_turns", "max_model_calls_per_turn", "max_tool_calls_per_turn",
                "turn_timeout_seconds", "loop_repeats", "mcp", "environments"));
        JsonNode mcp = node.path("mcp");
        if (!mcp.isMissingNode()) {
            expectKeys(mcp, "agents.mcp", Set.of("allow_insecure_hosts", "allow_private_hosts", "connect_timeout_seconds", "call_timeout_seconds"));
        }
        String name = optText(node, "node", "agents.node");
        if (name != null && !name.matches("[A-Za-z0-9._-]{1,64}")) fail("agents.node", "must be 1 to 64 letters, digits, '.', '_' or '-'");
        return new AgentsSettings(name,
                Duration.ofSeconds(within(node, "lease_seconds", "agents", 2, 3600, d.lease().toSeconds())),
                (int) within(node, "max_running_turns", "agents", 1, 100_000, d.maxRunningTurns()),
                (int) within(node, "max_model_calls_per_turn", "agents", 1, 10_000, d.maxModelCallsPerTurn()),
                (int) within(node, "max_tool_calls_per_turn", "agents", 1, 10_000, d.maxToolCallsPerTurn()),
                Duration.ofSeconds(within(node, "turn_timeout_seconds", "agents", 1, 7 * 86_400, d.turnTimeout().toSeconds())),
                (int) within(node, "loop_repeats", "agents", 2, 1000, d.loopRepeats()),
                Set.copyOf(mcp.isMissingNode() ? List.of() : names(mcp, "allow_insecure_hosts", "agents.mcp")),
                Set.copyOf(mcp.isMissingNode() ? List.of() : names(mcp, "allow_private_hosts", "agents.mcp")),
                Duration.ofSeconds(within(mcp, "connect_timeout_seconds", "agents.mcp", 1, 300, d.mcpConnectTimeout().toSeconds())),
                Duration.ofSeconds(within(mcp, "call_timeout_seconds", "agents.mcp", 1, 3600, d.mcpCallTimeout().toSeconds())),
                environments(node.path("environments")));
    }

    private AgentsSettings.Environments environments(JsonNode node) {
        AgentsSettings.Environments d = AgentsSettings.Environments.DEFAULTS;
        if (node.isMissingNode() || node.isNull()) return d;
        String at = "agents.environments";
        expectKeys(node, at, Set.of("executor_hosts", "connect_wait_seconds", "max_command_seconds", "max_command_output_bytes",
                "max_commands_per_session", "max_command_seconds_per_session", "allow_unconfined_local", "approval_expiry_seconds",
                "public_url"));
        String publicUrl = httpUrl(node, "public_url", at + ".public_url");
        return new AgentsSettings.Environments(Set.copyOf(names(node, "executor_hosts", at)),
                Duration.ofSeconds(within(node, "connect_wait_seconds", at, 0, 300, d.connectWait().toSeconds())),
                (int) within(node, "max_command_seconds", at, 1, 86_400, d.maxCommandSeconds()),
                (int) within(node, "max_command_output_bytes", at, 1024, 64 << 20, d.maxOutputBytes()),
                (int) within(node, "max_commands_per_session", at, 1, 1_000_000, d.maxCommandsPerSession()),
                within(node, "max_command_seconds_per_session", at, 1, 365L * 86_400, d.maxCommandSecondsPerSession()),
                optBoolean(node, "allow_unconfined_local", at + ".allow_unconfined_local", d.allowUnconfinedLocal()),
                Duration.ofSeconds(within(node, "approval_expiry_seconds", at, 1, 7 * 86_400, d.approvalExpiry().toSeconds())),
                publicUrl == null ? null : publicUrl.replaceAll("/+$", ""));
    }

    /** An optional whole number of section {@code section} from {@code least} to {@code most}. */
    private long within(JsonNode node, String field, String section, long least, long most, long fallback) {
        long value = node.isMissingNode() ? fallback : optLong(node, field, section + "." + field, fallback);
        if (value < least || value > most) fail(section + "." + field, "must be from " + least + " to " + most + ", not " + value);
        return value;
    }

    /** {@code default_guardrail: id} or {@code id:version}; whether it exists is checked at start-up, against the store. */
    private GuardrailRef defaultGuardrail(JsonNode root) {
        String named = optText(root, "default_guardrail", "default_guardrail");
        if (named == null) return null;
        try {
            return GuardrailRef.parseNamed(named, false, "default_guardrail");
        } catch (QuarryException e) {
            fail("default_guardrail", e.getMessage());
            return null;
        }
    }

    /** Guardrails in Bedrock's CreateGuardrail shape, each with an {@code id}; read by the guardrails package's own reader. */
    private Map<String, GuardrailSpec> guardrails(JsonNode node) {
        Map<String, GuardrailSpec> guardrails = new LinkedHashMap<>();
        List<JsonNode> items = list(node, "guardrails");
        for (int i = 0; i < items.size(); i++) {
            String path = "guardrails[" + i + "]";
            JsonNode g = items.get(i);
            try {
                String id = GuardrailRef.parse(requireText(g, "id", path + ".id"), null, false, path + ".id").id();
                if (guardrails.containsKey(id)) fail(path + ".id", "repeats guardrail '" + id + "'");
                guardrails.put(id, GuardrailJson.read(g));
            } catch (QuarryException e) {
                String field = e.error().param() == null ? "" : "." + e.error().param();
                fail(path + field, e.getMessage());
            }
        }
        return guardrails;
    }

    private ServerSettings server(JsonNode node) {
        ServerSettings d = ServerSettings.DEFAULTS;
        if (node.isMissingNode()) return d;
        expectKeys(node, "server", Set.of("host", "port", "max_body_bytes", "shutdown_grace_seconds", "max_connections",
                "max_connections_per_client", "header_timeout_seconds", "idle_timeout_seconds"));
        String host = optText(node, "host", "server.host");
        return new ServerSettings(
                host == null ? d.host() : host,
                (int) optLong(node, "port", "server.port", d.port()),
                optLong(node, "max_body_bytes", "server.max_body_bytes", d.maxBodyBytes()),
                Duration.ofSeconds(optLong(node, "shutdown_grace_seconds", "server.shutdown_grace_seconds", d.shutdownGrace().toSeconds())),
                connectionLimits(node, d.connections()));
    }

    private ConnectionLimits connectionLimits(JsonNode node, ConnectionLimits d) {
        int max = node.has("max_connections") ? (int) positive(node, "max_connections", 1_000_000, 0) : d.maxConnections();
        int perClient = (int) positive(node, "max_connections_per_client", 1_000_000,
                max == ConnectionLimits.AUTO ? d.maxConnectionsPerClient() : Math.min(max, d.maxConnectionsPerClient()));
        if (max != ConnectionLimits.AUTO && perClient > max) {
            fail("server.max_connections_per_client", "must be at most server.max_connections (" + max + ")");
        }
        return new ConnectionLimits(max, perClient,
                Duration.ofSeconds(positive(node, "header_timeout_seconds", 3600, d.headerTimeout().toSeconds())),
                Duration.ofSeconds(positive(node, "idle_timeout_seconds", 86_400, d.idleTimeout().toSeconds())));
    }

    /** An optional whole number of {@code server} from 1 to {@code most}. */
    private long positive(JsonNode server, String field, long most, long fallback) {
        long value = optLong(server, field, "server." + field, fallback);
        if (value < 1 || value > most) fail("server." + field, "must be from 1 to " + most + ", not " + value);
        return value;
    }

    /** The provider setting that overrides the price sheet platform its type bills on. */
    private static final String PLATFORM = "platform";

    /** What every provider entry may say, whatever its type; the rest are its type's own options. */
    private static final Set<String> PROVIDER_SETTINGS = Set.of("name", "type", "base_url", "api_key_env", "connect_timeout_seconds",
            "read_timeout_seconds", PLATFORM);

    private List<ProviderConfig> providers(JsonNode node) {
        List<ProviderConfig> providers = new ArrayList<>();
        List<JsonNode> items = list(node, "providers");
        for (int i = 0; i < items.size(); i++) {
            JsonNode p = items.get(i);
            String path = "providers[" + i + "]";
            if (!p.isObject()) fail(path, "must be a mapping");
            String typeName = requireText(p, "type", path + ".type");
            ProviderType type = ProviderTypes.named(typeName).orElseThrow(() -> new ConfigException(file + ": " + path + ".type '"
                    + typeName + "' is not a provider type (known: " + ProviderTypes.names() + ")"));
            String baseUrl = baseUrl(p, path + ".base_url");
            if (baseUrl == null && type.defaultBaseUrl() == null) {
                fail(path + ".base_url", "is required: provider type " + type.name() + " has no default address");
            }
            providers.add(new ProviderConfig(
                    requireText(p, "name", path + ".name"),
                    type,
                    baseUrl != null ? baseUrl : type.defaultBaseUrl(),
                    optText(p, "api_key_env", path + ".api_key_env"),
                    seconds(p, "connect_timeout_seconds", path),
                    seconds(p, "read_timeout_seconds", path),
                    platform(p, type, path),
                    options(p, type, path)));
        }
        return providers;
    }

    private String baseUrl(JsonNode provider, String path) {
        return httpUrl(provider, "base_url", path);
    }

    /** An optional http:// or https:// URL with a host and no credentials. */
    private String httpUrl(JsonNode node, String field, String path) {
        String url = optText(node, field, path);
        if (url == null) return null;
        try {
            URI uri = new URI(url);
            if (uri.getRawUserInfo() != null) {
                // Secrets never live in the file; and the URL is shown in errors and logs.
                fail(path, "must not carry credentials (user:password@)" + ("base_url".equals(field) ? ": give the key with api_key_env" : ""));
            }
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) return url;
        } catch (URISyntaxException e) {
            // refused below, with the path
        }
        fail(path, "must be an http:// or https:// URL with a host, got \"" + url + "\"");
        return null;
    }

    /** The type's own options, each known to it and of the kind it reads; a misspelt setting is refused, not passed on. */
    private Map<String, String> options(JsonNode provider, ProviderType type, String path) {
        Map<String, String> options = new LinkedHashMap<>();
        provider.properties().forEach(field -> {
            String key = field.getKey();
            if (PROVIDER_SETTINGS.contains(key)) return;
            ProviderOption option = type.option(key).orElseThrow(() -> {
                List<String> known = new ArrayList<>(PROVIDER_SETTINGS);
                type.options().forEach(o -> known.add(o.name()));
                return new ConfigException(file + ": " + path + "." + key + " is not a known setting of provider type " + type.name()
                        + " (known: " + known.stream().sorted().toList() + ")");
            });
            JsonNode value = field.getValue();
            if (!value.isValueNode()) fail(path + "." + key, "must be a plain value");
            String text = value.isNull() ? "" : value.asText();
            option.problem(text).ifPresent(problem -> fail(path + "." + key, problem));
            options.put(key, text);
        });
        return options;
    }

    /** The price sheet platform the provider bills on: its {@code platform:} when given, else its type's. */
    private String platform(JsonNode provider, ProviderType type, String path) {
        String override = optText(provider, PLATFORM, path + "." + PLATFORM);
        if (override == null) return type.platform();
        if (!Platforms.KNOWN.contains(override)) {
            fail(path + "." + PLATFORM, "must be one of " + Platforms.KNOWN.stream().sorted().toList() + ", got \"" + override + "\"");
        }
        return override;
    }

    private List<ModelConfig> models(JsonNode node) {
        List<ModelConfig> models = new ArrayList<>();
        List<JsonNode> items = list(node, "models");
        for (int i = 0; i < items.size(); i++) {
            JsonNode m = items.get(i);
            String path = "models[" + i + "]";
            expectKeys(m, path, Set.of("id", "aliases", "kind", "family", "context_window", "capabilities", "deployments", "price", "routing"));
            String id = requireText(m, "id", path + ".id");
            List<String> aliases = names(m, "aliases", path);
            List<Deployment> deployments = new ArrayList<>();
            List<JsonNode> rawDeployments = list(m.path("deployments"), path + ".deployments");
            for (int d = 0; d < rawDeployments.size(); d++) {
                Deployment deployment = deployment(rawDeployments.get(d), path + ".deployments[" + d + "]");
                if (deployments.stream().anyMatch(other -> other.key().equals(deployment.key()))) {
                    fail(path + ".deployments[" + d + "]", "repeats deployment " + deployment.key() + " of this model");
                }
                deployments.add(deployment);
            }
            String kind = optText(m, "kind", path + ".kind");
            ModelRoutes modelRoutes = m.has("routing") ? modelRoutes(m.get("routing"), path + ".routing") : null;
            if (modelRoutes != null) routes.put(id, modelRoutes);
            models.add(new ModelConfig(
                    id,
                    aliases,
                    kind == null ? null : modelKind(kind, path + ".kind"),
                    family(m, path),
                    m.has("context_window") ? (int) optLong(m, "context_window", path + ".context_window", 0) : null,
                    m.has("capabilities") ? capabilities(m, path) : null,
                    deployments,
                    m.has("price") ? price(m.get("price"), path + ".price") : null,
                    modelRoutes));
        }
        return models;
    }

    private Deployment deployment(JsonNode dep, String path) {
        expectKeys(dep, path, Set.of("provider", "model", "region", "weight", "priority", "context_window", "rpm", "tpm"));
        Deployment deployment = new Deployment(requireText(dep, "provider", path + ".provider"), requireText(dep, "model", path + ".model"),
                optText(dep, "region", path + ".region"), (int) atLeastOne(dep, "weight", path, 1),
                (int) Math.min(Integer.MAX_VALUE, optLong(dep, "priority", path + ".priority", 0)),
                (int) Math.min(Integer.MAX_VALUE, optLong(dep, "context_window", path + ".context_window", 0)));
        long rpm = perMinute(dep, "rpm", path);
        long tpm = perMinute(dep, "tpm", path);
        if (rpm > 0 || tpm > 0) {
            if (capacities.stream().anyMatch(c -> c.name().equals(deployment.key()))) {
                fail(path, "states a capacity for " + deployment.key() + " again; state it once");
            }
            capacities.add(new RateLimit(Scope.DEPLOYMENT, deployment.key(), rpm, tpm));
        }
        return deployment;
    }

    private ModelRoutes modelRoutes(JsonNode node, String path) {
        expectKeys(node, path, Set.of("strategy", "fallbacks", "context_window_fallbacks", "content_policy_fallbacks"));
        String strategyName = optText(node, "strategy", path + ".strategy");
        Strategy strategy = strategyName == null ? Strategy.PRIORITY : Strategy.of(strategyName).orElseThrow(() ->
                new ConfigException(file + ": " + path + ".strategy must be one of "
                        + Arrays.stream(Strategy.values()).map(Strategy::configName).toList() + ", not '" + strategyName + "'"));
        return new ModelRoutes(strategy, names(node, "fallbacks", path), names(node, "context_window_fallbacks", path),
                names(node, "content_policy_fallbacks", path));
    }

    /** A family name as the built-in catalog writes them: a short lower-case word. */
    private String family(JsonNode model, String path) {
        String family = optText(model, "family", path + ".family");
        if (family != null && !FAMILY.matcher(family).matches()) {
            fail(path + ".family", "must be a lower-case name of up to 32 letters, digits and hyphens (such as gpt, claude, llama), got \""
                    + family + "\"");
        }
        return family;
    }

    /** Capability names as the configuration spells them: {@code documents}, {@code prompt_cache}. */
    private Set<Capability> capabilities(JsonNode model, String path) {
        List<String> known = Arrays.stream(Capability.values()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        List<String> names = names(model, "capabilities", path);
        for (int i = 0; i < names.size(); i++) {
            int index = known.indexOf(names.get(i));
            if (index < 0) fail(path + ".capabilities[" + i + "]", "must be one of " + known + ", got \"" + names.get(i) + "\"");
            capabilities.add(Capability.values()[index]);
        }
        return capabilities;
    }

    private List<String> names(JsonNode node, String field, String path) {
        List<String> names = new ArrayList<>();
        List<JsonNode> items = list(node.path(field), path + "." + field);
        for (int i = 0; i < items.size(); i++) names.add(requireTextValue(items.get(i), path + "." + field + "[" + i + "]"));
        return names;
    }

    private RetryPolicy retry(JsonNode node) {
        RetryPolicy d = RetryPolicy.DEFAULT;
        if (node.isMissingNode()) return d;
        expectKeys(node, "routing", Set.of("max_attempts", "attempts_per_model", "initial_backoff_ms", "max_backoff_ms",
                "attempt_timeout_seconds", "total_timeout_seconds", "cooldown"));
        long initialBackoff = optLong(node, "initial_backoff_ms", "routing.initial_backoff_ms", d.initialBackoff().toMillis());
        long maxBackoff = optLong(node, "max_backoff_ms", "routing.max_backoff_ms", d.maxBackoff().toMillis());
        long attemptTimeout = atLeastOne(node, "attempt_timeout_seconds", "routing", d.attemptTimeout().toSeconds());
        long totalTimeout = atLeastOne(node, "total_timeout_seconds", "routing", d.totalTimeout().toSeconds());
        if (maxBackoff > MAX_BACKOFF_MS) fail("routing.max_backoff_ms", "must be at most " + MAX_BACKOFF_MS + " (ten minutes)");
        if (initialBackoff > maxBackoff) fail("routing.initial_backoff_ms", "must not be larger than routing.max_backoff_ms (" + maxBackoff + ")");
        if (attemptTimeout > totalTimeout) {
            fail("routing.attempt_timeout_seconds", "must not be larger than routing.total_timeout_seconds (" + totalTimeout + ")");
        }
        return new RetryPolicy(
                (int) atLeastOne(node, "max_attempts", "routing", d.maxAttempts()),
                (int) atLeastOne(node, "attempts_per_model", "routing", d.attemptsPerModel()),
                Duration.ofMillis(initialBackoff), Duration.ofMillis(maxBackoff), Duration.ofSeconds(attemptTimeout),
                Duration.ofSeconds(totalTimeout));
    }

    private CooldownPolicy cooldown(JsonNode node) {
        CooldownPolicy d = CooldownPolicy.DEFAULT;
        if (node.isMissingNode()) return d;
        String path = "routing.cooldown";
        expectKeys(node, path, Set.of("allowed_failures", "window_seconds", "cooldown_seconds", "throttled_cooldown_seconds"));
        return new CooldownPolicy(
                (int) atLeastOne(node, "allowed_failures", path, d.allowedFailures()),
                Duration.ofSeconds(atLeastOne(node, "window_seconds", path, d.window().toSeconds())),
                Duration.ofSeconds(optLong(node, "cooldown_seconds", path + ".cooldown_seconds", d.cooldown().toSeconds())),
                Duration.ofSeconds(optLong(node, "throttled_cooldown_seconds", path + ".throttled_cooldown_seconds",
                        d.throttledCooldown().toSeconds())));
    }

    /** A back-off longer than this is a typo: a request would wait it out holding its connection. */
    private static final long MAX_BACKOFF_MS = 600_000;

    /** A whole number from 1 to 1,000,000, or the default when absent. */
    private long atLeastOne(JsonNode node, String field, String path, long fallback) {
        long value = optLong(node, field, path + "." + field, fallback);
        if (value < 1 || value > 1_000_000) fail(path + "." + field, "must be a whole number from 1 to 1000000");
        return value;
    }

    private List<Experiment> experiments(JsonNode node) {
        List<Experiment> experiments = new ArrayList<>();
        List<JsonNode> items = list(node, "experiments");
        for (int i = 0; i < items.size(); i++) {
            JsonNode e = items.get(i);
            String path = "experiments[" + i + "]";
            expectKeys(e, path, Set.of("id", "model", "sticky", "variants"));
            String id = requireText(e, "id", path + ".id");
            String model = requireText(e, "model", path + ".model");
            if (experiments.stream().anyMatch(other -> other.id().equals(id))) fail(path + ".id", "repeats experiment '" + id + "'");
            if (experiments.stream().anyMatch(other -> other.model().equals(model))) {
                fail(path + ".model", "is already split by another experiment; one experiment per model id");
            }
            experiments.add(new Experiment(id, model, sticky(optText(e, "sticky", path + ".sticky"), path + ".sticky"), variants(e, path)));
        }
        return experiments;
    }

    private Experiment.Sticky sticky(String value, String path) {
        if (value == null) return Experiment.Sticky.PRINCIPAL;
        return Arrays.stream(Experiment.Sticky.values()).filter(v -> v.name().equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> new ConfigException(file + ": " + path + " must be none, principal or session, not '" + value + "'"));
    }

    private List<Experiment.Variant> variants(JsonNode experiment, String path) {
        List<Experiment.Variant> variants = new ArrayList<>();
        List<JsonNode> items = list(experiment.path("variants"), path + ".variants");
        if (items.size() < 2) fail(path + ".variants", "must list at least two variants");
        for (int v = 0; v < items.size(); v++) {
            JsonNode variant = items.get(v);
            String vPath = path + ".variants[" + v + "]";
            expectKeys(variant, vPath, Set.of("name", "model", "weight"));
            String name = requireText(variant, "name", vPath + ".name");
            if (variants.stream().anyMatch(other -> other.name().equals(name))) fail(vPath + ".name", "repeats variant '" + name + "'");
            variants.add(new Experiment.Variant(name, requireText(variant, "model", vPath + ".model"), (int) atLeastOne(variant, "weight", vPath, 1)));
        }
        return variants;
    }

    private static final long MAX_PER_MINUTE = 1_000_000_000L;

    private List<RateLimit> rateLimits(JsonNode node) {
        List<RateLimit> limits = new ArrayList<>(capacities);
        Set<String> seen = new HashSet<>();
        capacities.forEach(c -> seen.add(c.scope() + "/" + c.name()));
        List<JsonNode> items = list(node, "rate_limits");
        for (int i = 0; i < items.size(); i++) {
            JsonNode l = items.get(i);
            String path = "rate_limits[" + i + "]";
            expectKeys(l, path, Set.of("scope", "name", "requests_per_minute", "tokens_per_minute"));
            Scope scope = scope(requireText(l, "scope", path + ".scope"), path + ".scope");
            String name = requireText(l, "name", path + ".name");
            long requests = perMinute(l, "requests_per_minute", path);
            long tokens = perMinute(l, "tokens_per_minute", path);
            if (requests == 0 && tokens == 0) fail(path, "must set requests_per_minute, tokens_per_minute or both");
            if (!seen.add(scope + "/" + name)) {
                fail(path, "repeats the limit on " + scope.configName() + " '" + name + "' (a deployment's rpm and tpm are one too); "
                        + "put both numbers in one entry");
            }
            limits.add(new RateLimit(scope, name, requests, tokens));
        }
        return limits;
    }

    private Scope scope(String value, String path) {
        return Arrays.stream(Scope.values()).filter(s -> s.configName().equals(value)).findFirst().orElseThrow(() ->
                new ConfigException(file + ": " + path + " must be one of "
                        + Arrays.stream(Scope.values()).map(Scope::configName).toList() + ", not '" + value + "'"));
    }

    /** 0 when the field is absent (that measure is not limited); otherwise between 1 and {@link #MAX_PER_MINUTE}. */
    private long perMinute(JsonNode node, String field, String path) {
        if (!node.has(field)) return 0;
        long value = optLong(node, field, path + "." + field, 0);
        if (value < 1 || value > MAX_PER_MINUTE) fail(path + "." + field, "must be a whole number from 1 to " + MAX_PER_MINUTE);
        return value;
    }

    private URI redisUrl(JsonNode node) {
        if (node.isMissingNode()) return null;
        expectKeys(node, "redis", Set.of("url"));
        String url = requireText(node, "url", "redis.url");
        try {
            URI uri = new URI(url);
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
                fail("redis.url", "must look like redis://host:6379 (or rediss:// for TLS), not '" + url + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(file + ": redis.url is not a valid URL: " + e.getMessage(), e);
        }
    }

    private Price price(JsonNode node, String path) {
        expectKeys(node, path, Set.of("input", "output", "cache_read", "cache_write"));
        return new Price(decimal(node, "input", path), decimal(node, "output", path),
                decimal(node, "cache_read", path), decimal(node, "cache_write", path));
    }

    private BigDecimal decimal(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber() || v.decimalValue().signum() < 0) fail(path + "." + field, "must be a number of dollars per million tokens, at least 0");
        return v.decimalValue();
    }

    private ModelKind modelKind(String kind, String path) {
        try {
            return ModelKind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": " + path + " must be 'chat' or 'embedding', not '" + kind + "'");
        }
    }

    /**
     * The longest provider timeout: more than the HTTP client's socket timeout holds in milliseconds
     * (about 24 days) would fail every call; this is the routing timeouts' ceiling too.
     */
    private static final long MAX_TIMEOUT_SECONDS = 1_000_000;

    /** An optional whole number of seconds, at least 1: a timeout of none would never let a call end. */
    private Duration seconds(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1 || v.asLong() > MAX_TIMEOUT_SECONDS) {
            fail(path + "." + field, "must be a whole number of seconds from 1 to " + MAX_TIMEOUT_SECONDS + ", got " + v);
        }
        return Duration.ofSeconds(v.asLong());
    }

    private List<JsonNode> list(JsonNode node, String path) {
        if (node.isMissingNode() || node.isNull()) return List.of();
        if (!node.isArray()) fail(path, "must be a list");
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items;
    }

    private void expectKeys(JsonNode node, String path, Set<String> allowed) {
        if (!node.isObject()) fail(path.isEmpty() ? "the top level" : path, "must be a mapping");
        node.fieldNames().forEachRemaining(key -> {
            if (!allowed.contains(key)) {
                fail((path.isEmpty() ? "" : path + ".") + key, "is not a known setting (known: " + allowed.stream().sorted().toList() + ")");
            }
        });
    }

    private String requireText(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) fail(path, "is required");
        return requireTextValue(v, path);
    }

    private String requireTextValue(JsonNode v, String path) {
        if (!v.isTextual() || v.asText().isBlank()) fail(path, "must be a non-empty string");
        return v.asText();
    }

    private String optText(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        return requireTextValue(v, path);
    }

    private long optLong(JsonNode node, String field, String path, long fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) fail(path, "must be a whole number, at least 0");
        return v.asLong();
    }

    private boolean optBoolean(JsonNode node, String field, String path, boolean fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isBoolean()) fail(path, "must be true or false");
        return v.booleanValue();
    }

    private void fail(String path, String problem) {
        throw new ConfigException(file + ": " + path + " " + problem);
    }
}
