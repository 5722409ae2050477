package dev.quarry.guardrails;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.QuarryException;
import dev.quarry.guardrails.GuardrailSpec.Action;
import dev.quarry.guardrails.GuardrailSpec.PiiRule;
import dev.quarry.guardrails.GuardrailSpec.Placeholders;
import dev.quarry.guardrails.GuardrailSpec.RegexRule;
import dev.quarry.guardrails.GuardrailSpec.SensitiveInformation;
import dev.quarry.guardrails.GuardrailSpec.Words;
import dev.quarry.guardrails.detect.Confidence;
import dev.quarry.guardrails.semantic.DeniedTopic;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A guardrail spec in the shape of Bedrock's {@code CreateGuardrail} request, the one format for
 * the config file, the admin API and the store, so that a definition written for Bedrock reads
 * the same here. Reading is strict: an unknown field, or a policy Quarry cannot enforce (content
 * filters other than {@code PROMPT_ATTACK}, contextual grounding), is refused with the field's
 * path, never silently ignored: a compliance owner must not believe a filter runs when it does not.
 *
 * <p>One Quarry addition: {@code sensitiveInformationPolicyConfig.placeholders}, {@code TYPE}
 * (Bedrock's {@code {EMAIL}}) or {@code NUMBERED} ({@code {EMAIL_1}}, {@code {EMAIL_2}}).
 */
public final class GuardrailJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 500;
    private static final int MAX_WORDS = 10_000;
    private static final Set<String> UNSUPPORTED_FILTERS = Set.of("SEXUAL", "VIOLENCE", "HATE", "INSULTS", "MISCONDUCT");

    private GuardrailJson() {}

    /**
     * Reads a definition; the detectors it names are not built here ({@link Guard#compile} does,
     * and refuses unknown PII types and unsafe regexes).
     *
     * @throws QuarryException 400 naming the field at fault
     */
    public static GuardrailSpec read(JsonNode body) {
        if (body == null || !body.isObject()) throw invalid("", "A guardrail definition must be a JSON object.");
        expectOnly(body, "", "name", "description", "topicPolicyConfig", "contentPolicyConfig", "wordPolicyConfig",
                "sensitiveInformationPolicyConfig", "contextualGroundingPolicyConfig", "blockedInputMessaging",
                "blockedOutputsMessaging", "id");
        if (body.has("contextualGroundingPolicyConfig")) {
            throw QuarryException.unsupported("contextualGroundingPolicyConfig",
                    "Contextual grounding checks are not supported by Quarry; remove 'contextualGroundingPolicyConfig'.");
        }
        String name = text(body, "name", "name", 1, 50, true);
        if (!name.matches("[0-9a-zA-Z_-]+")) throw invalid("name", "'name' may hold letters, digits, '-' and '_' only.");
        return new GuardrailSpec(
                name,
                text(body, "description", "description", 1, 200, false),
                sensitiveInformation(body.get("sensitiveInformationPolicyConfig")),
                topics(body.get("topicPolicyConfig")),
                words(body.get("wordPolicyConfig")),
                promptAttack(body.get("contentPolicyConfig")),
                text(body, "blockedInputMessaging", "blockedInputMessaging", 1, MAX_MESSAGE, true),
                text(body, "blockedOutputsMessaging", "blockedOutputsMessaging", 1, MAX_MESSAGE, true));
    }

    /** Reads a definition from JSON text (the store's, or a request body). */
    public static GuardrailSpec read(String json) {
        try {
            return read(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw invalid("", "The guardrail definition is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The definition as Bedrock would echo it back. */
    public static ObjectNode write(GuardrailSpec spec) {
        ObjectNode out = JSON.createObjectNode();
        out.put("name", spec.name());
        if (spec.description() != null) out.put("description", spec.description());
        if (!spec.topics().isEmpty()) {
            ArrayNode topics = out.putObject("topicPolicyConfig").putArray("topicsConfig");
            for (DeniedTopic t : spec.topics()) {
                ObjectNode topic = topics.addObject().put("name", t.name()).put("definition", t.definition()).put("type", "DENY");
                ArrayNode examples = topic.putArray("examples");
                t.examples().forEach(examples::add);
            }
        }
        if (spec.promptAttack() != Confidence.NONE) {
            out.putObject("contentPolicyConfig").putArray("filtersConfig").addObject()
                    .put("type", "PROMPT_ATTACK").put("inputStrength", spec.promptAttack().name()).put("outputStrength", "NONE");
        }
        Words words = spec.words();
        if (!words.custom().isEmpty() || words.profanity()) {
            ObjectNode policy = out.putObject("wordPolicyConfig");
            if (!words.custom().isEmpty()) {
                ArrayNode list = policy.putArray("wordsConfig");
                words.custom().forEach(w -> list.addObject().put("text", w));
            }
            if (words.profanity()) policy.putArray("managedWordListsConfig").addObject().put("type", "PROFANITY");
        }
        SensitiveInformation si = spec.sensitiveInformation();
        if (!si.pii().isEmpty() || !si.regexes().isEmpty()) {
            ObjectNode policy = out.putObject("sensitiveInformationPolicyConfig");
            if (!si.pii().isEmpty()) {
                ArrayNode list = policy.putArray("piiEntitiesConfig");
                for (PiiRule rule : si.pii()) {
                    ObjectNode entity = list.addObject().put("type", rule.type()).put("action", rule.action().name());
                    if (rule.inputAction() != null) entity.put("inputAction", rule.inputAction().name());
                    if (rule.outputAction() != null) entity.put("outputAction", rule.outputAction().name());
                }
            }
            if (!si.regexes().isEmpty()) {
                ArrayNode list = policy.putArray("regexesConfig");
                for (RegexRule rule : si.regexes()) {
                    ObjectNode regex = list.addObject().put("name", rule.name()).put("pattern", rule.pattern()).put("action", rule.action().name());
                    if (rule.description() != null) regex.put("description", rule.description());
                }
            }
            if (si.placeholders() != Placeholders.TYPE) policy.put("placeholders", si.placeholders().name());
        }
        out.put("blockedInputMessaging", spec.blockedInputMessaging());
        out.put("blockedOutputsMessaging", spec.blockedOutputsMessaging());
        return out;
    }

    public static String writeString(GuardrailSpec spec) {
        return write(spec).toString();
    }

    private static SensitiveInformation sensitiveInformation(JsonNode node) {
        String path = "sensitiveInformationPolicyConfig";
        if (absent(node)) return SensitiveInformation.NONE;
        object(node, path);
        expectOnly(node, path, "piiEntitiesConfig", "regexesConfig", "placeholders");
        List<PiiRule> pii = new ArrayList<>();
        List<JsonNode> entities = array(node, "piiEntitiesConfig", path + ".piiEntitiesConfig");
        for (int i = 0; i < entities.size(); i++) {
            String at = path + ".piiEntitiesConfig[" + i + "]";
            JsonNode e = object(entities.get(i), at);
            expectOnly(e, at, "type", "action", "inputAction", "outputAction", "inputEnabled", "outputEnabled");
            String type = text(e, "type", at + ".type", 1, 64, true).toUpperCase(Locale.ROOT);
            if (pii.stream().anyMatch(r -> r.type().equals(type))) throw invalid(at + ".type", "'" + type + "' is listed twice.");
            Action action = action(e, "action", at, false, true);
            Action input = enabled(e, "inputEnabled", at) ? action(e, "inputAction", at, true, false) : Action.NONE;
            Action output = enabled(e, "outputEnabled", at) ? action(e, "outputAction", at, true, false) : Action.NONE;
            pii.add(new PiiRule(type, action, input, output));
        }
        List<RegexRule> regexes = new ArrayList<>();
        List<JsonNode> patterns = array(node, "regexesConfig", path + ".regexesConfig");
        for (int i = 0; i < patterns.size(); i++) {
            String at = path + ".regexesConfig[" + i + "]";
            JsonNode r = object(patterns.get(i), at);
            expectOnly(r, at, "name", "description", "pattern", "action");
            String name = text(r, "name", at + ".name", 1, 100, true);
            if (regexes.stream().anyMatch(x -> x.name().equals(name))) throw invalid(at + ".name", "Regex '" + name + "' is listed twice.");
            regexes.add(new RegexRule(name, text(r, "description", at + ".description", 1, 1000, false),
                    text(r, "pattern", at + ".pattern", 1, 500, true), action(r, "action", at, false, true)));
        }
        String placeholders = text(node, "placeholders", path + ".placeholders", 1, 20, false);
        return new SensitiveInformation(pii, regexes, placeholders == null ? Placeholders.TYPE
                : enumValue(Placeholders.class, placeholders, path + ".placeholders"));
    }

    /** Bedrock's newer per-direction switches: {@code inputEnabled: false} turns the type off on input. */
    private static boolean enabled(JsonNode entity, String field, String path) {
        JsonNode value = entity.get(field);
        if (absent(value)) return true;
        if (!value.isBoolean()) throw invalid(path + "." + field, "'" + path + "." + field + "' must be true or false.");
        return value.booleanValue();
    }

    private static Action action(JsonNode node, String field, String path, boolean optional, boolean required) {
        String value = text(node, field, path + "." + field, 1, 20, required);
        if (value == null) return optional ? null : Action.BLOCK;
        Action action = enumValue(Action.class, value, path + "." + field);
        if (action == Action.NONE && !optional) {
            throw invalid(path + "." + field, "'" + path + "." + field + "' must be BLOCK or ANONYMIZE (NONE only as inputAction or outputAction).");
        }
        return action;
    }

    private static List<DeniedTopic> topics(JsonNode node) {
        String path = "topicPolicyConfig";
        if (absent(node)) return List.of();
        object(node, path);
        expectOnly(node, path, "topicsConfig", "tierConfig");
        List<JsonNode> items = array(node, "topicsConfig", path + ".topicsConfig");
        if (items.size() > 30) throw invalid(path + ".topicsConfig", "A guardrail may deny at most 30 topics.");
        List<DeniedTopic> topics = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String at = path + ".topicsConfig[" + i + "]";
            JsonNode t = object(items.get(i), at);
            expectOnly(t, at, "name", "definition", "examples", "type");
            String type = text(t, "type", at + ".type", 1, 10, false);
            if (type != null && !type.equals("DENY")) throw invalid(at + ".type", "'" + at + ".type' must be DENY.");
            String name = text(t, "name", at + ".name", 1, 100, true);
            if (topics.stream().anyMatch(x -> x.name().equalsIgnoreCase(name))) throw invalid(at + ".name", "Topic '" + name + "' is listed twice.");
            List<String> examples = new ArrayList<>();
            List<JsonNode> raw = array(t, "examples", at + ".examples");
            for (int j = 0; j < raw.size(); j++) {
                if (!raw.get(j).isTextual()) throw invalid(at + ".examples[" + j + "]", "'" + at + ".examples[" + j + "]' must be a string.");
                examples.add(raw.get(j).textValue());
            }
            try {
                topics.add(new DeniedTopic(name, text(t, "definition", at + ".definition", 1, 200, true), examples));
            } catch (IllegalArgumentException e) {
                throw invalid(at, e.getMessage());
            }
        }
        return topics;
    }

    private static Words words(JsonNode node) {
        String path = "wordPolicyConfig";
        if (absent(node)) return Words.NONE;
        object(node, path);
        expectOnly(node, path, "wordsConfig", "managedWordListsConfig");
        List<JsonNode> items = array(node, "wordsConfig", path + ".wordsConfig");
        if (items.size() > MAX_WORDS) throw invalid(path + ".wordsConfig", "A guardrail may list at most " + MAX_WORDS + " words.");
        List<String> custom = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String at = path + ".wordsConfig[" + i + "]";
            JsonNode w = object(items.get(i), at);
            expectOnly(w, at, "text");
            custom.add(text(w, "text", at + ".text", 1, 100, true));
        }
        boolean profanity = false;
        List<JsonNode> managed = array(node, "managedWordListsConfig", path + ".managedWordListsConfig");
        for (int i = 0; i < managed.size(); i++) {
            String at = path + ".managedWordListsConfig[" + i + "]";
            JsonNode m = object(managed.get(i), at);
            expectOnly(m, at, "type");
            if (!"PROFANITY".equals(text(m, "type", at + ".type", 1, 20, true))) throw invalid(at + ".type", "'" + at + ".type' must be PROFANITY.");
            profanity = true;
        }
        return new Words(custom, profanity);
    }

    private static Confidence promptAttack(JsonNode node) {
        String path = "contentPolicyConfig";
        if (absent(node)) return Confidence.NONE;
        object(node, path);
        expectOnly(node, path, "filtersConfig", "tierConfig");
        Confidence strength = Confidence.NONE;
        List<JsonNode> filters = array(node, "filtersConfig", path + ".filtersConfig");
        for (int i = 0; i < filters.size(); i++) {
            String at = path + ".filtersConfig[" + i + "]";
            JsonNode f = object(filters.get(i), at);
            expectOnly(f, at, "type", "inputStrength", "outputStrength", "inputModalities", "outputModalities");
            String type = text(f, "type", at + ".type", 1, 20, true);
            if (UNSUPPORTED_FILTERS.contains(type)) {
                throw QuarryException.unsupported(at + ".type", "The " + type + " content filter needs a content classifier model, which Quarry "
                        + "does not have; Quarry filters PROMPT_ATTACK, denied topics, words and sensitive information.");
            }
            if (!type.equals("PROMPT_ATTACK")) throw invalid(at + ".type", "'" + type + "' is not a content filter type.");
            String output = text(f, "outputStrength", at + ".outputStrength", 1, 10, false);
            if (output != null && !output.equals("NONE")) {
                throw invalid(at + ".outputStrength", "The PROMPT_ATTACK filter applies to input only; its outputStrength must be NONE.");
            }
            strength = enumValue(Confidence.class, text(f, "inputStrength", at + ".inputStrength", 1, 10, true), at + ".inputStrength");
        }
        return strength;
    }

    private static void expectOnly(JsonNode node, String path, String... fields) {
        Set<String> allowed = Set.of(fields);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                String at = path.isEmpty() ? field : path + "." + field;
                throw invalid(at, "Unknown field '" + at + "'" + (path.isEmpty() ? "" : " in '" + path + "'") + ".");
            }
        }
    }

    private static String text(JsonNode node, String field, String path, int min, int max, boolean required) {
        JsonNode value = node.get(field);
        if (absent(value)) {
            if (required) throw invalid(path, "'" + path + "' is required.");
            return null;
        }
        if (!value.isTextual()) throw invalid(path, "'" + path + "' must be a string.");
        String text = value.textValue();
        if (text.strip().length() < min || text.length() > max) {
            throw invalid(path, "'" + path + "' must be " + min + " to " + max + " characters long.");
        }
        return text;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String path) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
            throw invalid(path, "'" + path + "' must be one of " + String.join(", ", names) + ", not '" + value + "'.");
        }
    }

    private static JsonNode object(JsonNode node, String path) {
        if (!node.isObject()) throw invalid(path, "'" + path + "' must be an object.");
        return node;
    }

    private static List<JsonNode> array(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (absent(value)) return List.of();
        if (!value.isArray()) throw invalid(path, "'" + path + "' must be an array.");
        List<JsonNode> items = new ArrayList<>(value.size());
        value.forEach(items::add);
        return items;
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    private static QuarryException invalid(String path, String message) {
        return QuarryException.invalid(path.isEmpty() ? null : path, message);
    }
}
