package dev.quarry.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates a policy document. Every problem is reported with its place in the
 * document; nothing is silently ignored: an unknown field, action, condition key or operator is
 * an error, because a typo in a policy must not quietly grant or withhold access.
 */
public final class PolicyParser {
    /** Largest accepted document, like cloud IAM's managed-policy limit order of magnitude. */
    public static final int MAX_BYTES = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP_LEVEL = Set.of("Version", "Statement");
    private static final Set<String> STATEMENT_FIELDS = Set.of("Sid", "Effect", "Action", "Resource", "Condition");
    /** Every kind of resource an action is authorized on, so that a policy can name each of them. */
    private static final String RESOURCE_FORMS = "'*' or model/ID, principal/NAME, group/NAME, role/NAME, policy/NAME, key/ID, audit/*, "
            + "guardrail/ID, budget/ID, experiment/ID, pricing/*, usage/*, commitment/*, agent-session/ID, agent/ID, mcp/SERVER/TOOL, "
            + "agent-environment/ID, vault/ID, vault/ID/credential/CID";
    private static final Pattern RESOURCE = Pattern.compile(
            "(model|principal|group|role|policy|key|audit|guardrail|budget|experiment|pricing|usage|commitment|agent-session|agent|mcp|agent-environment|vault)/.+");

    private PolicyParser() {}

    /**
     * Resources are compared case-sensitively, as written, with one exception: guardrail ids are
     * lower-cased wherever a guardrail is stored, looked up or authorized, so a policy's
     * {@code guardrail/ID} is read lower-cased too — otherwise a Deny on {@code guardrail/PII}
     * would never match the request for {@code guardrail/pii}.
     */
    private static String normalResource(String resource) {
        return resource.startsWith("guardrail/") ? resource.toLowerCase(Locale.ROOT) : resource;
    }

    public static Policy parse(String name, String document) {
        if (name == null || !name.matches("[A-Za-z0-9+=,.@_-]{1,128}")) {
            throw new PolicyException("", "a policy name is 1 to 128 letters, digits or +=,.@_- (got '" + name + "')");
        }
        if (document.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new PolicyException("", "the document is larger than " + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (JsonProcessingException e) {
            throw new PolicyException("", "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new PolicyException("", "a policy is a JSON object with a 'Statement' list");
        onlyFields(root, TOP_LEVEL, "");
        JsonNode version = root.get("Version");
        if (version != null && !version.asText().equals("2012-10-17") && !version.asText().equals("2026-01-01")) {
            throw new PolicyException("Version", "must be \"2012-10-17\" (the IAM grammar) or \"2026-01-01\"");
        }
        List<JsonNode> raw = oneOrMany(root.get("Statement"), "Statement");
        if (raw.isEmpty()) throw new PolicyException("Statement", "a policy needs at least one statement");
        List<Statement> statements = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) statements.add(statement(raw.get(i), "Statement[" + i + "]", i));
        return new Policy(name, statements);
    }

    private static Statement statement(JsonNode node, String path, int index) {
        if (!node.isObject()) throw new PolicyException(path, "a statement is a JSON object");
        onlyFields(node, STATEMENT_FIELDS, path + ".");
        String sid = node.hasNonNull("Sid") ? text(node.get("Sid"), path + ".Sid") : "#" + index;
        Effect effect = switch (text(required(node, "Effect", path), path + ".Effect")) {
            case "Allow" -> Effect.ALLOW;
            case "Deny" -> Effect.DENY;
            default -> throw new PolicyException(path + ".Effect", "must be \"Allow\" or \"Deny\"");
        };
        List<String> actions = strings(required(node, "Action", path), path + ".Action");
        for (int i = 0; i < actions.size(); i++) {
            String action = actions.get(i);
            if (!action.equals("*") && !action.toLowerCase(Locale.ROOT).startsWith("quarry:")) {
                throw new PolicyException(path + ".Action[" + i + "]", "'" + action + "' is not a Quarry action (they start with 'quarry:')");
            }
            if (!Actions.matchesAny(action)) {
                throw new PolicyException(path + ".Action[" + i + "]", "'" + action + "' names no known action; known: " + Actions.ALL);
            }
        }
        List<String> resources = strings(required(node, "Resource", path), path + ".Resource");
        for (int i = 0; i < resources.size(); i++) {
            String resource = resources.get(i);
            if (!resource.equals("*") && !RESOURCE.matcher(resource).matches()) {
                throw new PolicyException(path + ".Resource[" + i + "]", "'" + resource + "' is not a resource; use " + RESOURCE_FORMS);
            }
        }
        return new Statement(sid, effect, actions, resources.stream().map(PolicyParser::normalResource).toList(),
                conditions(node.get("Condition"), path + ".Condition"));
    }

    private static List<Condition> conditions(JsonNode node, String path) {
        List<Condition> conditions = new ArrayList<>();
        if (node == null || node.isNull()) return conditions;
        if (!node.isObject()) throw new PolicyException(path, "must be an object of operators");
        for (Map.Entry<String, JsonNode> op : node.properties()) {
            String opPath = path + "." + op.getKey();
            ConditionOperator operator = ConditionOperator.of(op.getKey());
            if (operator == null) throw new PolicyException(opPath, "unknown condition operator");
            if (!op.getValue().isObject()) throw new PolicyException(opPath, "must map condition keys to values");
            for (Map.Entry<String, JsonNode> entry : op.getValue().properties()) {
                String keyPath = opPath + "." + entry.getKey();
                ConditionKey key = ConditionKey.of(entry.getKey())
                        .orElseThrow(() -> new PolicyException(keyPath, "unknown condition key"));
                if (key.kind() != operator.kind()) {
                    throw new PolicyException(keyPath, key.keyName() + " holds " + key.kind().name().toLowerCase(Locale.ROOT)
                            + " values, which " + operator.jsonName() + " cannot test");
                }
                List<String> values = strings(entry.getValue(), keyPath);
                for (int i = 0; i < values.size(); i++) operator.validate(values.get(i), keyPath + "[" + i + "]");
                conditions.add(new Condition(operator, entry.getKey(), values));
            }
        }
        return conditions;
    }

    private static JsonNode required(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) throw new PolicyException(path + "." + field, "is required");
        return value;
    }

    private static void onlyFields(JsonNode node, Set<String> allowed, String prefix) {
        node.fieldNames().forEachRemaining(field -> {
            if (!allowed.contains(field)) {
                throw new PolicyException(prefix + field, "is not a policy field" + (field.startsWith("Not")
                        ? " (NotAction/NotResource/NotPrincipal are not supported: they too easily grant more than meant)" : ""));
            }
        });
    }

    /** A string or a non-empty list of strings. */
    private static List<String> strings(JsonNode node, String path) {
        List<String> values = new ArrayList<>();
        for (JsonNode item : oneOrMany(node, path)) values.add(text(item, path));
        if (values.isEmpty()) throw new PolicyException(path, "must not be empty");
        return values;
    }

    private static List<JsonNode> oneOrMany(JsonNode node, String path) {
        if (node == null || node.isNull()) throw new PolicyException(path, "is required");
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) node.forEach(items::add);
        else items.add(node);
        return items;
    }

    private static String text(JsonNode node, String path) {
        if (!node.isTextual() || node.textValue().isEmpty()) throw new PolicyException(path, "must be a non-empty string");
        return node.textValue();
    }
}
