package dev.quarry.guardrails.semantic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeniedTopicTest {
    @Test
    void acceptsBedrockLimits() {
        DeniedTopic topic = new DeniedTopic("x".repeat(100), "d".repeat(200), Collections.nCopies(5, "e".repeat(100)));
        assertThat(topic.examples()).hasSize(5);
    }

    @Test
    void nameMustBeOneToAHundredCharacters() {
        assertThatThrownBy(() -> new DeniedTopic(" ", "definition", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("name: must not be blank");
        assertThatThrownBy(() -> new DeniedTopic(null, "definition", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("name: must not be blank");
        assertThatThrownBy(() -> new DeniedTopic("x".repeat(101), "definition", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("name: at most 100 characters, got 101");
    }

    @Test
    void definitionMustBeOneToTwoHundredCharacters() {
        assertThatThrownBy(() -> new DeniedTopic("Topic", "", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("definition: must not be blank");
        assertThatThrownBy(() -> new DeniedTopic("Topic", "d".repeat(201), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("definition: at most 200 characters, got 201");
    }

    @Test
    void atMostFiveExamplesOfAtMostAHundredCharacters() {
        assertThatThrownBy(() -> new DeniedTopic("Topic", "definition", Collections.nCopies(6, "example")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("examples: at most 5 per topic, got 6");
        assertThatThrownBy(() -> new DeniedTopic("Topic", "definition", List.of("fine", "fine", "e".repeat(101))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("examples[2]: at most 100 characters, got 101");
        List<String> withNull = new ArrayList<>(List.of("fine"));
        withNull.add(null);
        assertThatThrownBy(() -> new DeniedTopic("Topic", "definition", withNull))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("examples[1]: must not be blank");
    }

    @Test
    void examplesAreOptionalAndCopied() {
        assertThat(new DeniedTopic("Topic", "definition", null).examples()).isEmpty();
        List<String> examples = new ArrayList<>(List.of("one"));
        DeniedTopic topic = new DeniedTopic("Topic", "definition", examples);
        examples.add("two");
        assertThat(topic.examples()).containsExactly("one");
    }
}
