package dev.quarry.surface.bedrock;

import static dev.quarry.surface.Json.optArray;
import static dev.quarry.surface.Json.requireObject;
import static dev.quarry.surface.Json.requireText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.guardrails.Assessment;
import dev.quarry.guardrails.Finding;
import dev.quarry.guardrails.GuardrailSpec;
import dev.quarry.guardrails.GuardrailSpec.Source;
import dev.quarry.guardrails.Verdict;
import dev.quarry.guardrails.detect.Confidence;
import dev.quarry.surface.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Bedrock Runtime's {@code ApplyGuardrail}: {@code {"source": "INPUT"|"OUTPUT", "content":
 * [{"text": {"text": "...", "qualifiers": [...]}}]}} in, {@code {"action", "outputs",
 * "assessments", "usage", "guardrailCoverage"}} out, with Bedrock's past-tense assessment actions
 * and its usage in text units (1,000 characters) per policy that the guardrail has.
 */
public final class ApplyGuardrailCodec {
    /** Bedrock caps a call's text; Quarry's cap keeps one call's check well under a second. */
    public static final int MAX_CHARACTERS = 100_000;
    private static final int MAX_BLOCKS = 100;

    private ApplyGuardrailCodec() {}

    /** What to check: where the text is going, and the texts. */
    public record Request(Source source, List<String> texts) {}

    /** @throws QuarryException 400 (ValidationException) naming the field at fault, 413 past {@link #MAX_CHARACTERS} */
    public static Request decode(ObjectNode body) {
        String source = requireText(body, "source", "source");
        Source s = switch (source) {
            case "INPUT" -> Source.INPUT;
            case "OUTPUT" -> Source.OUTPUT;
            default -> throw QuarryException.invalid("source", "'source' must be INPUT or OUTPUT, not '" + source + "'.");
        };
        JsonNode scope = body.get("outputScope");
        if (scope != null && !"INTERVENTIONS".equals(scope.asText())) {
            throw QuarryException.unsupported("outputScope", "Quarry returns the outputs of interventions only: 'outputScope' may be INTERVENTIONS.");
        }
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("source") && !field.equals("content") && !field.equals("outputScope")) {
                throw QuarryException.invalid(field, "Unknown field '" + field + "'.");
            }
        }
        List<JsonNode> content = optArray(body, "content", "content");
        if (content.isEmpty()) throw QuarryException.invalid("content", "'content' must hold at least one text block.");
        if (content.size() > MAX_BLOCKS) throw QuarryException.invalid("content", "'content' may hold at most " + MAX_BLOCKS + " blocks.");
        List<String> texts = new ArrayList<>(content.size());
        long characters = 0;
        for (int i = 0; i < content.size(); i++) {
            String path = "content[" + i + "]";
            JsonNode block = content.get(i);
            if (!block.isObject()) throw QuarryException.invalid(path, "'" + path + "' must be an object.");
            if (block.has("image")) {
                throw QuarryException.unsupported(path + ".image", "Quarry's guardrails check text; image content is not supported.");
            }
            JsonNode text = requireObject(block, "text", path + ".text");
            String value = requireText(text, "text", path + ".text.text");
            for (JsonNode q : optArray(text, "qualifiers", path + ".text.qualifiers")) {
                if (!q.isTextual() || !List.of("grounding_source", "query", "guard_content").contains(q.textValue())) {
                    throw QuarryException.invalid(path + ".text.qualifiers", "Qualifiers must be grounding_source, query or guard_content.");
                }
            }
            characters += value.length();
            texts.add(value);
        }
        if (characters > MAX_CHARACTERS) {
            throw QuarryException.of(ErrorKind.PAYLOAD_TOO_LARGE, "The content holds " + characters + " characters; ApplyGuardrail checks at most "
                    + MAX_CHARACTERS + " per call. Split the text into several calls.");
        }
        return new Request(s, texts);
    }

    public static ObjectNode encode(Verdict verdict, GuardrailSpec spec) {
        ObjectNode out = Json.object();
        Assessment a = verdict.assessment();
        ObjectNode usage = usage(a, spec);
        out.set("usage", usage);
        out.put("action", verdict.intervened() ? "GUARDRAIL_INTERVENED" : "NONE");
        ArrayNode outputs = out.putArray("outputs");
        verdict.outputs().forEach(text -> outputs.addObject().put("text", text));
        ObjectNode assessment = assessment(a);
        ObjectNode metrics = assessment.putObject("invocationMetrics");
        metrics.put("guardrailProcessingLatency", a.processingMillis());
        metrics.set("usage", usage.deepCopy());
        metrics.set("guardrailCoverage", coverage(a));
        out.putArray("assessments").add(assessment);
        out.set("guardrailCoverage", coverage(a));
        return out;
    }

    /** One assessment in Bedrock's shape; a policy appears only when it found something. */
    public static ObjectNode assessment(Assessment a) {
        ObjectNode out = Json.object();
        for (Finding finding : a.findings()) {
            switch (finding) {
                case Finding.Topic t -> policy(out, "topicPolicy", "topics").addObject()
                        .put("name", t.name()).put("type", "DENY").put("action", t.action().name()).put("detected", true);
                case Finding.PromptAttack p -> policy(out, "contentPolicy", "filters").addObject()
                        .put("type", "PROMPT_ATTACK").put("confidence", p.confidence().name()).put("filterStrength", p.strength().name())
                        .put("action", p.action().name()).put("detected", true);
                case Finding.Word w when w.managed() -> policy(out, "wordPolicy", "managedWordLists").addObject()
                        .put("match", w.match()).put("type", "PROFANITY").put("action", w.action().name()).put("detected", true);
                case Finding.Word w -> policy(out, "wordPolicy", "customWords").addObject()
                        .put("match", w.match()).put("action", w.action().name()).put("detected", true);
                case Finding.Pii p -> policy(out, "sensitiveInformationPolicy", "piiEntities").addObject()
                        .put("match", p.match()).put("type", p.type()).put("action", p.action().name()).put("detected", true);
                case Finding.Regex r -> policy(out, "sensitiveInformationPolicy", "regexes").addObject()
                        .put("name", r.name()).put("match", r.match()).put("regex", r.regex()).put("action", r.action().name())
                        .put("detected", true);
            }
        }
        return out;
    }

    /**
     * Converse's {@code trace.guardrail}: the prompt's assessment and the answer's, keyed by the
     * guardrail id as Bedrock keys them.
     *
     * @param output {@code null} when the answer was not checked (a blocked prompt)
     */
    public static ObjectNode trace(String guardrailId, Assessment input, Assessment output) {
        ObjectNode trace = Json.object();
        ObjectNode guardrail = trace.putObject("guardrail");
        if (input != null) guardrail.putObject("inputAssessment").set(guardrailId, assessment(input));
        if (output != null) guardrail.putObject("outputAssessments").putArray(guardrailId).add(assessment(output));
        return trace;
    }

    private static ArrayNode policy(ObjectNode assessment, String policy, String list) {
        ObjectNode p = assessment.has(policy) ? (ObjectNode) assessment.get(policy) : assessment.putObject(policy);
        return p.has(list) ? (ArrayNode) p.get(list) : p.putArray(list);
    }

    private static ObjectNode usage(Assessment a, GuardrailSpec spec) {
        long units = a.textUnits();
        boolean pii = !spec.sensitiveInformation().pii().isEmpty() || !spec.sensitiveInformation().regexes().isEmpty();
        boolean words = !spec.words().custom().isEmpty() || spec.words().profanity();
        return Json.object()
                .put("topicPolicyUnits", spec.topics().isEmpty() ? 0 : units)
                .put("contentPolicyUnits", spec.promptAttack() == Confidence.NONE ? 0 : units)
                .put("wordPolicyUnits", words ? units : 0)
                .put("sensitiveInformationPolicyUnits", pii ? units : 0)
                .put("sensitiveInformationPolicyFreeUnits", 0)
                .put("contextualGroundingPolicyUnits", 0);
    }

    private static ObjectNode coverage(Assessment a) {
        ObjectNode coverage = Json.object();
        coverage.putObject("textCharacters").put("guarded", a.characters()).put("total", a.characters());
        return coverage;
    }
}
