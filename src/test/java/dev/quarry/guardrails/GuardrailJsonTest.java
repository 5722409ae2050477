package dev.quarry.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.guardrails.GuardrailSpec.Action;
import dev.quarry.guardrails.detect.Confidence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GuardrailJsonTest {
    private static final String FULL = """
            {"name": "support-bot", "description": "What the support assistant may not say",
             "topicPolicyConfig": {"topicsConfig": [{"name": "Investment advice", "definition": "Recommending what to invest in.",
                                                     "examples": ["Should I buy this stock?"], "type": "DENY"}]},
             "contentPolicyConfig": {"filtersConfig": [{"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE"}]},
             "wordPolicyConfig": {"wordsConfig": [{"text": "project nightjar"}], "managedWordListsConfig": [{"type": "PROFANITY"}]},
             "sensitiveInformationPolicyConfig": {
                 "piiEntitiesConfig": [{"type": "EMAIL", "action": "ANONYMIZE"}, {"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "BLOCK", "outputAction": "ANONYMIZE"}],
                 "regexesConfig": [{"name": "order-id", "pattern": "ORD-[0-9]{6}", "action": "ANONYMIZE", "description": "order numbers"}],
                 "placeholders": "NUMBERED"},
             "blockedInputMessaging": "Sorry, I can't help with that.",
             "blockedOutputsMessaging": "Sorry, the answer was withheld."}""";

    @Test
    void aBedrockDefinitionIsReadAndWrittenBackUnchanged() {
        GuardrailSpec spec = GuardrailJson.read(FULL);
        assertThat(spec.topics()).singleElement().satisfies(t -> assertThat(t.name()).isEqualTo("Investment advice"));
        assertThat(spec.promptAttack()).isEqualTo(Confidence.HIGH);
        assertThat(spec.words().custom()).containsExactly("project nightjar");
        assertThat(spec.words().profanity()).isTrue();
        assertThat(spec.sensitiveInformation().pii().get(1).on(GuardrailSpec.Source.INPUT)).isEqualTo(Action.BLOCK);
        assertThat(spec.sensitiveInformation().pii().get(1).on(GuardrailSpec.Source.OUTPUT)).isEqualTo(Action.ANONYMIZE);
        assertThat(spec.sensitiveInformation().placeholders()).isEqualTo(GuardrailSpec.Placeholders.NUMBERED);
        assertThat(GuardrailJson.read(GuardrailJson.writeString(spec))).isEqualTo(spec);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown field               | {\"name\":\"a\",\"blockedInputMessaging\":\"x\",\"blockedOutputsMessaging\":\"y\",\"colour\":1}                                   | colour",
        "no input message            | {\"name\":\"a\",\"blockedOutputsMessaging\":\"y\"}                                                                                   | blockedInputMessaging",
        "a content classifier filter | {\"name\":\"a\",\"blockedInputMessaging\":\"x\",\"blockedOutputsMessaging\":\"y\",\"contentPolicyConfig\":{\"filtersConfig\":[{\"type\":\"HATE\",\"inputStrength\":\"HIGH\",\"outputStrength\":\"HIGH\"}]}} | contentPolicyConfig.filtersConfig[0].type",
        "attack filter on output     | {\"name\":\"a\",\"blockedInputMessaging\":\"x\",\"blockedOutputsMessaging\":\"y\",\"contentPolicyConfig\":{\"filtersConfig\":[{\"type\":\"PROMPT_ATTACK\",\"inputStrength\":\"HIGH\",\"outputStrength\":\"HIGH\"}]}} | contentPolicyConfig.filtersConfig[0].outputStrength",
        "grounding                   | {\"name\":\"a\",\"blockedInputMessaging\":\"x\",\"blockedOutputsMessaging\":\"y\",\"contextualGroundingPolicyConfig\":{}}          | contextualGroundingPolicyConfig",
        "bad action                  | {\"name\":\"a\",\"blockedInputMessaging\":\"x\",\"blockedOutputsMessaging\":\"y\",\"sensitiveInformationPolicyConfig\":{\"piiEntitiesConfig\":[{\"type\":\"EMAIL\",\"action\":\"HIDE\"}]}} | sensitiveInformationPolicyConfig.piiEntitiesConfig[0].action",
        "word too long               | {\"name\":\"a\",\"blockedInputMessaging\":\"x\",\"blockedOutputsMessaging\":\"y\",\"wordPolicyConfig\":{\"wordsConfig\":[{\"text\":\"" + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" + "\"}]}} | wordPolicyConfig.wordsConfig[0].text",
        "bad name                    | {\"name\":\"no spaces allowed\",\"blockedInputMessaging\":\"x\",\"blockedOutputsMessaging\":\"y\"}                                   | name",
    })
    void aDefinitionQuarryCannotEnforceIsRefusedNamingTheField(String why, String json, String field) {
        assertThatThrownBy(() -> GuardrailJson.read(json)).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.error().kind()).isIn(ErrorKind.INVALID_REQUEST, ErrorKind.UNSUPPORTED_FEATURE);
            assertThat(e.error().param()).isEqualTo(field);
        });
    }

    @Test
    void anUnknownPiiTypeOrAnUnsafeRegexIsRefusedWhenCompiled() {
        Detectors detectors = new Detectors(t -> java.util.List.of());
        GuardrailSpec unknown = GuardrailJson.read("""
                {"name":"a","blockedInputMessaging":"x","blockedOutputsMessaging":"y",
                 "sensitiveInformationPolicyConfig":{"piiEntitiesConfig":[{"type":"SHOE_SIZE","action":"BLOCK"}]}}""");
        assertThatThrownBy(() -> Guard.compile(new GuardrailRef("a", "DRAFT", false), unknown, detectors))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.error().param()).isEqualTo("sensitiveInformationPolicyConfig.piiEntitiesConfig[0].type"));
        GuardrailSpec badRegex = GuardrailJson.read("""
                {"name":"a","blockedInputMessaging":"x","blockedOutputsMessaging":"y",
                 "sensitiveInformationPolicyConfig":{"regexesConfig":[{"name":"r","pattern":"(unclosed","action":"BLOCK"}]}}""");
        assertThatThrownBy(() -> Guard.compile(new GuardrailRef("a", "DRAFT", false), badRegex, detectors))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.error().param()).isEqualTo("sensitiveInformationPolicyConfig.regexesConfig[0].pattern"));
    }
}
