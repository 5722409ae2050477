package dev.quarry.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.guardrails.GuardrailSpec.SensitiveInformation;
import dev.quarry.guardrails.detect.Confidence;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Choosing a request's version: the latest when none is named, and whether a named one is the latest. */
class GuardrailsTest {
    private static GuardrailSpec spec(String message) {
        return new GuardrailSpec("strict", null, SensitiveInformation.NONE, List.of(), null, Confidence.NONE, message, "out");
    }

    @Test
    void onlyTheLatestPublishedVersionStandsForTheBareId() {
        try (Database db = Database.open(StoreTargets.freshUrl("sqlite"))) {
            GuardrailStore store = new GuardrailStore(db, Clock.systemUTC());
            store.create("strict", spec("v1"));
            store.publish("strict");
            store.updateDraft("strict", spec("v2"));
            store.publish("strict");
            Guardrails guardrails = new Guardrails(store, new Detectors(t -> List.of()));

            assertThat(guardrails.choose(new GuardrailRef("strict", null, true))).isEqualTo(new GuardrailRef("strict", "2", true, true));
            assertThat(guardrails.choose(new GuardrailRef("strict", "2", false)).latest()).isTrue();
            assertThat(guardrails.choose(new GuardrailRef("strict", "1", false)).latest()).isFalse();
            assertThat(guardrails.choose(new GuardrailRef("strict", "DRAFT", false)).latest()).isFalse();
            assertThat(guardrails.guard(guardrails.choose(new GuardrailRef("strict", "1", false))).spec().blockedInputMessaging()).isEqualTo("v1");
            assertThatThrownBy(() -> guardrails.choose(new GuardrailRef("strict", "3", false))).hasMessageContaining("versions 1, 2 and DRAFT");
        }
    }
}
