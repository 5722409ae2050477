package dev.quarry.surface.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.AgentDraft;
import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.AgentTool;
import dev.quarry.agents.model.Approval;
import dev.quarry.agents.model.EnvironmentCredential;
import dev.quarry.agents.model.EnvironmentSpec;
import dev.quarry.agents.model.EnvironmentState;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.model.Page;
import dev.quarry.agents.model.SavedAgent;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.SessionChange;
import dev.quarry.agents.model.SessionDraft;
import dev.quarry.agents.model.SessionView;
import dev.quarry.agents.model.TurnUsage;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.Json;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Decodes the Agents API's requests and encodes its objects. */
public final class AgentsCodec {
    /** OpenAI's metadata bounds: 16 pairs, keys up to 64 characters, values up to 512. */
    static final int METADATA_PAIRS = 16;
    static final int METADATA_KEY = 64;
    static final int METADATA_VALUE = 512;
    static final int NAME = 200;
    static final int MODEL = 256;
    static final int INSTRUCTIONS = 256 * 1024;
    /** The largest session cap: ten million dollars, in cents. */
    static final long MAX_SPEND_CENTS = 1_000_000_000L;
    private static final long MICROS_PER_CENT = 10_000;

    /** The parts of an agent (inline or saved) Quarry does not do yet: accepted only when absent, null or empty. */
    private static final List<String> AGENT_PARTS_NOT_YET = List.of("reasoning", "text", "service_tier", "multi_agent",
            "experimental");
    /** An inline agent's fields: name, model, instructions and tools are used; the others are the parts not done yet. */
    private static final Set<String> AGENT_FIELDS = Stream.concat(Stream.of("name", "model", "instructions", "tools", "compaction"), AGENT_PARTS_NOT_YET.stream())
            .collect(Collectors.toUnmodifiableSet());
    private static final Set<String> SESSION_CREATE_FIELDS = Set.of("agent", "agent_id", "environment", "input", "metadata", "review",
            "spend_control", "vault_ids", "stream");
    private static final Set<String> SESSION_UPDATE_FIELDS = Set.of("agent", "metadata", "review", "spend_control");
    private static final Set<String> SESSION_UPDATE_AGENT_FIELDS = Set.of("model", "reasoning", "service_tier", "tools");
    /** A saved agent's fields: an inline agent's, and its metadata. */
    private static final Set<String> SAVED_AGENT_FIELDS = Stream.concat(AGENT_FIELDS.stream(), Stream.of("metadata"))
            .collect(Collectors.toUnmodifiableSet());

    /** The parts Quarry does not do yet as an agent shows them: the API's defaults, every field present, as the SDKs require. */
    private static final Map<String, JsonNode> SHOWN = new TreeMap<>(Map.of(
            "multi_agent", Json.object().put("enabled", false).putNull("max_concurrent_subagents"),
            "reasoning", Json.object().putNull("effort").putNull("summary"),
            "service_tier", Json.MAPPER.getNodeFactory().textNode("auto"),
            "text", Json.object().<ObjectNode>set("format", Json.object().put("type", "text")).put("verbosity", "medium")));

    private AgentsCodec() {}

    // ---- requests ----

    public static SessionDraft sessionCreate(ObjectNode body) {
        known(body, SESSION_CREATE_FIELDS, "");
        notYet(body, "review", "review", "'review' is not supported yet.");
        EnvironmentSpec environment = EnvironmentCodec.read(body);
        String agentId = optId(body, "agent_id", "agent_id");
        JsonNode agent = body.get("agent");
        boolean inline = agent != null && !agent.isNull();
        if (inline == (agentId != null)) {
            throw QuarryException.invalid(inline ? "agent_id" : "agent", "Exactly one of 'agent' and 'agent_id' must be given.");
        }
        AgentSpec spec = inline ? inlineAgent(Json.requireObject(body, "agent", "agent")) : null;
        JsonNode input = body.get("input");
        return new SessionDraft(spec, agentId, metadata(body, "metadata", Map.of()),
                input == null || input.isNull() ? null : SessionEventsCodec.createInput(input), spendLimit(body), VaultsCodec.vaultIds(body),
                environment);
    }

    /** Whether a session's creation asks for its stream ({@code stream: true}) instead of the session object. */
    public static boolean streamed(ObjectNode body) {
        return Json.optBoolean(body, "stream", "stream", false);
    }

    public static SessionChange sessionUpdate(ObjectNode body) {
        known(body, SESSION_UPDATE_FIELDS, "");
        notYet(body, "review", "review", "'review' is not supported yet.");
        String model = null;
        JsonNode agent = body.get("agent");
        if (agent != null && !agent.isNull()) {
            JsonNode object = Json.requireObject(body, "agent", "agent");
            known(object, SESSION_UPDATE_AGENT_FIELDS, "agent.");
            unsupportedParts(object, "agent.", List.of("reasoning", "service_tier", "tools"));
            model = bounded(Json.optText(object, "model", "agent.model"), "agent.model", MODEL);
            if (model != null && model.isBlank()) throw QuarryException.invalid("agent.model", "'agent.model' must not be empty.");
        }
        return new SessionChange(model, metadata(body, "metadata", null), spendLimit(body));
    }

    /**
     * {@code spend_control: {limit}}: the session's spending cap, a whole number of US cents
     * (the API leaves its unit undocumented; Quarry reads cents, as Anthropic's session budgets
     * are counted), from 1 cent to {@value #MAX_SPEND_CENTS}; returned in micro-dollars.
     */
    private static Long spendLimit(JsonNode body) {
        JsonNode control = body.get("spend_control");
        if (control == null || control.isNull()) return null;
        if (!control.isObject()) throw QuarryException.invalid("spend_control", "'spend_control' must be an object with 'limit'.");
        known(control, Set.of("limit"), "spend_control.");
        JsonNode limit = control.get("limit");
        if (limit == null || !limit.isIntegralNumber() || !limit.canConvertToLong() || limit.asLong() < 1 || limit.asLong() > MAX_SPEND_CENTS) {
            throw QuarryException.invalid("spend_control.limit", "'spend_control.limit' must be a whole number of US cents from 1 to "
                    + MAX_SPEND_CENTS + ".");
        }
        return limit.asLong() * MICROS_PER_CENT;
    }

    /** A saved agent's create ({@code creating}: model required) or update (every field optional). */
    public static AgentDraft savedAgent(ObjectNode body, boolean creating) {
        known(body, SAVED_AGENT_FIELDS, "");
        unsupportedParts(body, "", AGENT_PARTS_NOT_YET);
        String model = creating ? Json.requireText(body, "model", "model") : Json.optText(body, "model", "model");
        if (model != null && model.isBlank()) throw QuarryException.invalid("model", "'model' must not be empty.");
        List<AgentTool> tools = creating || body.has("tools") ? ToolsCodec.read(body, "", false) : null;
        Boolean compaction = creating || body.has("compaction") ? compaction(body, "") : null;
        return new AgentDraft(name(Json.optText(body, "name", "name"), "name"), bounded(model, "model", MODEL),
                bounded(Json.optText(body, "instructions", "instructions"), "instructions", INSTRUCTIONS), tools, compaction,
                metadata(body, "metadata", null));
    }

    /**
     * A list's query: {@code after} (an id), {@code limit} 1–100 (default 20), {@code order}
     * {@code asc|desc} (default {@code desc}), and for sessions {@code agent_id}.
     */
    public static ListQuery listQuery(Function<String, String> query, Collection<String> names, boolean sessions) {
        String after = query.apply("after");
        if (after != null && !Ids.wellFormed(after)) throw QuarryException.invalid("after", "'after' must be an id.");
        String limitText = query.apply("limit");
        int limit = ListQuery.DEFAULT_LIMIT;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = 0; // refused below, as one out of range
            }
            if (limit < 1 || limit > ListQuery.MAX_LIMIT) {
                throw QuarryException.invalid("limit", "'limit' must be an integer from 1 to " + ListQuery.MAX_LIMIT + ".");
            }
        }
        String order = query.apply("order");
        if (order != null && !order.equals("asc") && !order.equals("desc")) throw QuarryException.invalid("order", "'order' must be 'asc' or 'desc'.");
        // A filter Quarry does not apply is refused rather than answered with the unfiltered list.
        // The SDK sends a metadata filter as metadata[KEY]=VALUE.
        if (names.stream().anyMatch(n -> n.equals("metadata") || n.startsWith("metadata["))) {
            throw QuarryException.unsupported("metadata", "Filtering this list by metadata is not supported yet.");
        }
        List<String> known = sessions ? List.of("after", "limit", "order", "agent_id") : List.of("after", "limit", "order");
        for (String name : names) {
            if (!known.contains(name)) {
                String shown = name.length() > 64 ? name.substring(0, 64) + "…" : name;
                throw QuarryException.invalid(shown, "Unknown query parameter '" + shown + "': this list takes " + known + ".");
            }
        }
        String agentId = null;
        if (sessions) {
            agentId = query.apply("agent_id");
            if (agentId != null && !Ids.wellFormed(agentId)) throw QuarryException.invalid("agent_id", "'agent_id' must be an id.");
        }
        return new ListQuery(after, limit, "asc".equals(order), agentId);
    }

    private static AgentSpec inlineAgent(JsonNode agent) {
        known(agent, AGENT_FIELDS, "agent.");
        unsupportedParts(agent, "agent.", AGENT_PARTS_NOT_YET);
        String model = bounded(Json.requireText(agent, "model", "agent.model"), "agent.model", MODEL);
        if (model.isBlank()) throw QuarryException.invalid("agent.model", "'agent.model' must not be empty.");
        return new AgentSpec(name(Json.optText(agent, "name", "agent.name"), "agent.name"), model,
                bounded(Json.optText(agent, "instructions", "agent.instructions"), "agent.instructions", INSTRUCTIONS),
                ToolsCodec.read(agent, "agent.", true), compaction(agent, "agent."));
    }

    /**
     * {@code compaction}: an object turns it on ({@code {}} or {@code {"async": false}}; Quarry
     * compacts before the model call that needs it, so {@code async: true} is refused); absent or
     * null leaves it off, and a history too long for the model fails the turn.
     */
    private static boolean compaction(JsonNode agent, String prefix) {
        JsonNode value = agent.get("compaction");
        if (value == null || value.isNull()) return false;
        if (!value.isObject()) throw QuarryException.invalid(prefix + "compaction", "'" + prefix + "compaction' must be an object.");
        known(value, Set.of("async"), prefix + "compaction.");
        if (Json.optBoolean(value, "async", prefix + "compaction.async", false)) {
            throw QuarryException.unsupported(prefix + "compaction.async", "Quarry compacts before the model call that needs it: 'async' must be false.");
        }
        return true;
    }

    /** Refuses fields a request may not carry at all. */
    static void known(JsonNode object, Set<String> fields, String prefix) {
        object.fieldNames().forEachRemaining(name -> {
            if (!fields.contains(name)) throw QuarryException.invalid(prefix + name, "Unrecognized request argument supplied: '" + prefix + name + "'.");
        });
    }

    /**
     * Fields of the API that Quarry does not do yet: accepted only absent, null, empty ({@code []},
     * {@code {}}) or as Quarry shows them, so an agent read back from a session can be sent again.
     */
    private static void unsupportedParts(JsonNode object, String prefix, List<String> fields) {
        for (String field : fields) {
            JsonNode value = object.get(field);
            if (value == null || value.isNull() || (value.isContainerNode() && value.isEmpty()) || value.equals(SHOWN.get(field))) continue;
            throw QuarryException.unsupported(prefix + field, "'" + prefix + field + "' is not supported yet.");
        }
    }

    private static void notYet(JsonNode body, String field, String param, String message) {
        JsonNode value = body.get(field);
        if (value != null && !value.isNull()) throw QuarryException.unsupported(param, message);
    }

    private static String optId(JsonNode body, String field, String param) {
        String id = Json.optText(body, field, param);
        if (id != null && !Ids.wellFormed(id)) throw QuarryException.invalid(param, "'" + param + "' must be an id.");
        return id;
    }

    /** A name: bounded, and without NUL (a saved agent's name is a column of its own, which PostgreSQL refuses NUL in). */
    static String name(String text, String param) {
        if (text != null && text.indexOf('\u0000') >= 0) throw QuarryException.invalid(param, "'" + param + "' must not contain NUL characters.");
        return bounded(text, param, NAME);
    }

    private static String bounded(String text, String param, int max) {
        if (text != null && text.length() > max) throw QuarryException.invalid(param, "'" + param + "' must be at most " + max + " characters.");
        return text;
    }

    /** A metadata object: up to 16 string pairs; {@code absent} when the field is absent, empty when null. */
    static Map<String, String> metadata(JsonNode body, String field, Map<String, String> absent) {
        JsonNode value = body.get(field);
        if (value == null) return absent;
        if (value.isNull()) return Map.of();
        if (!value.isObject()) throw QuarryException.invalid(field, "'" + field + "' must be an object of strings.");
        if (value.size() > METADATA_PAIRS) throw QuarryException.invalid(field, "'" + field + "' may have at most " + METADATA_PAIRS + " pairs.");
        Map<String, String> pairs = new LinkedHashMap<>();
        for (var entry : value.properties()) {
            String path = field + "." + entry.getKey();
            if (entry.getKey().isEmpty() || entry.getKey().length() > METADATA_KEY) {
                throw QuarryException.invalid(field, "'" + field + "' keys must be 1 to " + METADATA_KEY + " characters.");
            }
            if (!entry.getValue().isTextual()) throw QuarryException.invalid(path, "'" + path + "' must be a string.");
            if (entry.getValue().textValue().length() > METADATA_VALUE) {
                throw QuarryException.invalid(path, "'" + path + "' must be at most " + METADATA_VALUE + " characters.");
            }
            pairs.put(entry.getKey(), entry.getValue().textValue());
        }
        return pairs;
    }

    // ---- objects ----

    /** Adds to a creation's answer what an executor dialing out needs, its credential shown this once. */
    public static void dialOut(ObjectNode session, String remoteUrl, EnvironmentCredential credential) {
        EnvironmentCodec.dialOut((ObjectNode) session.get("environment"), remoteUrl, credential);
    }

    /** A session, with the function calls it waits for (its {@code required_actions}) and its turns' usage summed. */
    public static ObjectNode session(SessionView view) {
        Session session = view.session();
        List<Item> pending = view.pending();
        TurnUsage usage = view.usage();
        ObjectNode out = Json.object().put("id", session.id()).put("object", "agent.session");
        ObjectNode agent = agentBody(agentId(session), session.spec());
        out.set("agent", agent);
        out.put("created_at", seconds(session.createdAt()));
        out.set("environment", EnvironmentCodec.write(session.environment(), view.environment()));
        // A string in the API's session object (the turn's error is the {code, message} object): "code: message".
        out.put("error", session.error() == null ? null : session.error().code() + ": " + session.error().message());
        out.put("last_active_at", seconds(session.lastActiveAt()));
        out.set("metadata", metadataJson(session.metadata()));
        ArrayNode actions = out.putArray("required_actions");
        for (Item item : pending) {
            if (item.body() instanceof ItemBody.FunctionCall call) {
                actions.addObject().put("type", "function_call").put("call_id", call.callId()).put("name", call.name())
                        .put("arguments", call.arguments()).put("turn_id", item.turnId());
            }
        }
        for (Approval approval : view.approvals()) {
            // Quarry's required action: a call that waits for a person (quarry:ApproveAgentAction) to approve or deny it.
            actions.addObject().put("type", "quarry_approval").put("approval_id", approval.id()).put("turn_id", approval.turnId())
                    .put("call_id", approval.callId()).put("tool", approval.tool()).put("arguments", approval.arguments())
                    .put("expires_at", seconds(approval.expiresAt()));
        }
        EnvironmentState environment = view.environment();
        if (session.status().equals(Session.REQUIRES_ACTION) && environment != null && !environment.status().equals(EnvironmentState.CONNECTED)) {
            actions.addObject().put("type", "environment_connection").put("environment_id", environment.id());
        }
        out.putNull("review");
        if (session.spendLimitMicros() == null) {
            out.putNull("spend_control");
        } else {
            // In cents, as the limit was given; what was spent rounded up, so it never shows less than the cap holds.
            out.set("spend_control", Json.object().put("limit", session.spendLimitMicros() / MICROS_PER_CENT)
                    .put("consumed", (view.spentMicros() + MICROS_PER_CENT - 1) / MICROS_PER_CENT));
        }
        out.put("status", session.status());
        out.set("usage", SessionEventsCodec.usage(usage));
        view.vaultIds().forEach(out.putArray("vault_ids")::add);
        // Quarry extensions: the saved agent's version the session runs (null for an inline agent).
        if (session.agentVersion() == null) out.putNull("agent_version");
        else out.put("agent_version", session.agentVersion());
        // Amazon Bedrock's: the role a session created there runs as.
        if (session.roleArn() != null) out.put("role_arn", session.roleArn());
        return out;
    }

    /** The id of the agent a session runs: its saved agent's, or one made from the session's for an inline agent. */
    public static String agentId(Session session) {
        return session.agentId() != null ? session.agentId() : Ids.AGENT + "inline_" + Ids.ulid(session.id());
    }

    public static ObjectNode agent(SavedAgent agent) {
        ObjectNode out = Json.object().put("id", agent.id()).put("object", "agent");
        out.setAll(agentBody(agent.id(), agent.spec()));
        out.put("created_at", seconds(agent.createdAt()));
        out.put("updated_at", seconds(agent.updatedAt()));
        out.set("metadata", metadataJson(agent.metadata()));
        out.put("version", agent.version()); // Quarry extension
        return out;
    }

    public static <T> ObjectNode page(Page<T> page, Function<T, ObjectNode> encoder, Function<T, String> id) {
        ObjectNode out = Json.object().put("object", "list");
        ArrayNode data = out.putArray("data");
        page.data().forEach(item -> data.add(encoder.apply(item)));
        List<T> items = page.data();
        out.put("first_id", items.isEmpty() ? null : id.apply(items.getFirst()));
        out.put("last_id", items.isEmpty() ? null : id.apply(items.getLast()));
        out.put("has_more", page.hasMore());
        return out;
    }

    public static ObjectNode deleted(String id, String object) {
        return Json.object().put("id", id).put("deleted", true).put("object", object);
    }

    private static ObjectNode agentBody(String id, AgentSpec spec) {
        ObjectNode agent = Json.object().put("id", id).put("name", spec.name()).put("model", spec.model()).put("instructions", spec.instructions());
        SHOWN.forEach((field, value) -> agent.set(field, value.deepCopy()));
        agent.set("tools", ToolsCodec.write(spec.tools()));
        if (spec.compaction()) agent.set("compaction", Json.object().put("async", false));
        else agent.putNull("compaction");
        agent.putNull("experimental");
        return agent;
    }

    private static ObjectNode metadataJson(Map<String, String> metadata) {
        ObjectNode out = Json.object();
        new TreeMap<>(metadata).forEach(out::put);
        return out;
    }

    private static long seconds(long millis) {
        return millis / 1000;
    }
}
