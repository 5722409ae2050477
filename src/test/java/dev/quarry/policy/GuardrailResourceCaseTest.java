package dev.quarry.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A guardrail is authorized by its lower-cased id, so a policy naming it in capitals still matches it. */
class GuardrailResourceCaseTest {
    @Test
    void aDenyOnAGuardrailMatchesWhateverCaseThePolicyWritesItIn() {
        Policy policy = PolicyParser.parse("NoPii", """
                {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                               {"Sid": "NotPii", "Effect": "Deny", "Action": "quarry:ApplyGuardrail", "Resource": ["guardrail/PII", "model/Big"]}]}""");
        Decision decision = PolicyEvaluator.evaluate(new AccessRequest("quarry:ApplyGuardrail", "guardrail/pii", Map.of()), List.of(policy), Optional.empty());
        assertThat(decision.reason()).isEqualTo(Decision.Reason.EXPLICIT_DENY);
        // Only guardrails: other resources keep the case they are written in.
        assertThat(policy.statements().get(1).resources()).containsExactly("guardrail/pii", "model/Big");
    }
}
