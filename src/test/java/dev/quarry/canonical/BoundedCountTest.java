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
    void beyondTheBoundTheEstimateIsScaledUpByWhatTheEncodedPartShowed() {
        Words words = new Words();
        var count = new BoundedCount(words);
        String text = "a ".repeat(BoundedCount.EXACT_CHARS); // 32,768 words, each half a token by the estimate
        // Encoded: the first 16,384 words, cut before the space at the bound (estimate 8,192). The rest, " a" 16,384 times
        // with its last space, is estimated at 8,193 and scaled by 16,384 / 8,192: 16,386.
        assertThat(count.count(text)).isEqualTo(16_384 + 16_386);
        assertThat(words.encoded).hasSize(1);
        assertThat(words.encoded.getFirst()).hasSize(BoundedCount.EXACT_CHARS - 1).endsWith("a");

        assertThat(count.count("a a a a")).as("estimated at 2, scaled by 2").isEqualTo(4);
        assertThat(words.encoded).as("nothing more is encoded").hasSize(1);
    }

    @Test
    void aTokenizerCheaperThanTheEstimateLeavesTheRestAtTheEstimate() {
        Words words = new Words();
        var count = new BoundedCount(words);
        String text = WORD.repeat(2 * BoundedCount.EXACT_CHARS / WORD.length()); // 8,192 words, two tokens each by the estimate
        // Encoded: the first 4,096 words (estimate 8,192). The rest, " abcdefg" 4,096 times with its last space: 8,193.
        assertThat(count.count(text)).isEqualTo(4_096 + 8_193);
    }

    @Test
    void aCheapHeadNeverDiscountsTheRestBelowItsEstimate() {
        Words words = new Words();
        var count = new BoundedCount(words);
        // One "word" of 32 Ki characters: a token to the encoding, 32 Ki to the estimate (as a run of '=' is to o200k_base
        // and the estimate). Scaling by that would count what follows at a 32,768th of its estimate.
        String head = "=".repeat(BoundedCount.EXACT_CHARS);
        String rest = (" " + "漢字".repeat(1_000)).repeat(100);
        assertThat(count.count(head + rest)).isGreaterThanOrEqualTo(1 + TokenEstimate.of(rest));
        assertThat(count.count(rest)).as("later texts too").isGreaterThanOrEqualTo(TokenEstimate.of(rest));
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
