package dev.quarry.guardrails.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WindowsTest {
    @Test
    void aSentenceIsOneWindow() {
        assertThat(Windows.of("  How do I bake bread?  ")).containsExactly("How do I bake bread?");
    }

    @Test
    void aShortTextIsReadBySentenceAndWhole() {
        assertThat(Windows.of("I have a cough. Should I sell my shares?\nThanks!"))
                .containsExactly("I have a cough.", "Should I sell my shares?", "Thanks!", "I have a cough. Should I sell my shares?\nThanks!");
    }

    @Test
    void aLongTextIsNotReadWhole() {
        String sentence = "This sentence, one of many alike, is about nothing in particular at all, really.";
        String text = (sentence + " ").repeat(14);
        assertThat(text.length()).isGreaterThan(Windows.WHOLE_TEXT_CHARS);
        assertThat(Windows.of(text)).hasSize(14).containsOnly(sentence);
    }

    @Test
    void aRunOnSentenceIsCutAtSpaces() {
        String text = "word ".repeat(120).strip();
        List<String> windows = Windows.of(text);
        List<String> pieces = windows.subList(0, windows.size() - 1);
        assertThat(pieces).hasSize(3).allSatisfy(w -> assertThat(w.length()).isLessThanOrEqualTo(Windows.WINDOW_CHARS))
                .allSatisfy(w -> assertThat(w).doesNotStartWith(" ").doesNotEndWith(" "));
        assertThat(String.join(" ", pieces)).isEqualTo(text);
        assertThat(windows.getLast()).isEqualTo(text);
    }

    @Test
    void aHugeTextCostsABoundedNumberOfWindowsAndSkipsNothing() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 2_000; i++) text.append("Sentence number ").append(i).append(" is here. ");
        List<String> windows = Windows.of(text.toString());
        assertThat(windows.size()).isLessThanOrEqualTo(Windows.MAX_WINDOWS + 1);
        assertThat(String.join(" ", windows)).isEqualTo(text.toString().strip());
    }
}
