package dev.quarry.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedCountTest {
    /** A stand-in for a real encoding: a token a word, and a record of every text it was asked to encode. */
    private static final class Words implements Tokenizer {
        final List<String> encoded = new ArrayList<>();

        public String name() {
            return "words";
        }

        public long count(String text) {
            encoded.add(text);
            return text.isBlank() ? 0 : text.strip().split("\\s+").length;
        }

        public int perMessage() {
            return 3;
        }

        public int perReply() {
            return 3;
        }
    }

    /** Eight characters a word: "abcdefg " is one word here and two tokens by the estimate (seven letters and a space). */
    private static final String WORD = "abcdefg ";

    @Test
    void aPromptWithinTheBoundIsEncodedWhole() {
        Words words = new Words();
        var count = new BoundedCount(words);
        String text = WORD.repeat(BoundedCount.EXACT_CHARS / WORD.length() - 1);
        assertThat(count.count(text)).isEqualTo(BoundedCount.EXACT_CHARS / WORD.length() - 1);
        assertThat(count.count("one more")).isEqualTo(2);
        assertThat(words.encoded).containsExactly(text, "one more");
    }

    @Test
    void beyondTheBoundTheEstimateIsScaledByWhatTheEncodedPartShowed() {
        Words words = new Words();
        var count = new BoundedCount(words);
        String text = WORD.repeat(2 * BoundedCount.EXACT_CHARS / WORD.length()); // 8,192 words
        // Encoded: the first 4,096 words, cut before the space at the bound (estimate 8,192). The rest, " abcdefg"
        // 4,096 times with its last space, is estimated at 8,193 and scaled by 4,096 / 8,192, rounded up: 4,097.
        assertThat(count.count(text)).isEqualTo(4_096 + 4_097);
        assertThat(words.encoded).hasSize(1);
        assertThat(words.encoded.getFirst()).hasSize(BoundedCount.EXACT_CHARS - 1).endsWith("abcdefg");

        assertThat(count.count("abcdefg abcdefg")).as("estimated at 4, scaled by a half").isEqualTo(2);
        assertThat(words.encoded).as("nothing more is encoded").hasSize(1);
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        Words words = new Words();
        String text = "x".repeat(BoundedCount.EXACT_CHARS - 1) + "😀" + "y".repeat(10);
        new BoundedCount(words).count(text);
        assertThat(words.encoded.getFirst()).hasSize(BoundedCount.EXACT_CHARS - 1).doesNotContain("\uD83D");
    }

    @Test
    void aRequestWalkUsesTheBoundAndTheTokenizersFraming() {
        Words words = new Words();
        ChatRequest request = ChatRequest.of("m", List.of(new Message(Role.USER, List.of(new ContentBlock.Text("hello there world")))));
        assertThat(TokenEstimate.of(request, words)).isEqualTo(3 + 3 + 3);
        assertThat(TokenEstimate.of(request, Tokenizer.ESTIMATE)).isEqualTo(TokenEstimate.of(request));
    }
}
