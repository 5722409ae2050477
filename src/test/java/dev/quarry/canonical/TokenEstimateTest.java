package dev.quarry.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TokenEstimateTest {
    @Test
    void englishRunsAtFourCharactersAToken() {
        assertThat(TokenEstimate.of("")).isZero();
        assertThat(TokenEstimate.of("abcd")).isEqualTo(1);
        assertThat(TokenEstimate.of("abcde")).isEqualTo(2);
        assertThat(TokenEstimate.of("The quick brown fox jumps over the lazy dog.")).isEqualTo(11);
    }

    /** Real byte-level BPE tokenizers spend about a token on each of these characters, or more. */
    @Test
    void scriptsThatTokenizersSpendMoreOnAreEstimatedAtLeastAtTheirCost() {
        String chinese = "我们今天在公园里散步，天气很好。";
        assertThat(TokenEstimate.of(chinese)).isGreaterThanOrEqualTo(chinese.length());
        String japanese = "きょうはいいてんきですね、カタカナも。";
        assertThat(TokenEstimate.of(japanese)).isGreaterThanOrEqualTo(japanese.length());
        String korean = "오늘은 날씨가 좋습니다";
        assertThat(TokenEstimate.of(korean)).isGreaterThanOrEqualTo(korean.replace(" ", "").length());
        String hindi = "आज मौसम बहुत अच्छा है";
        assertThat(TokenEstimate.of(hindi)).isGreaterThanOrEqualTo(hindi.length());
        String thai = "วันนี้อากาศดีมาก";
        assertThat(TokenEstimate.of(thai)).isGreaterThanOrEqualTo(thai.length());
        String russian = "Сегодня хорошая погода";
        assertThat(TokenEstimate.of(russian)).isGreaterThanOrEqualTo(russian.length() / 2);
        String emoji = "🙂🚀🎉🔥";
        assertThat(TokenEstimate.of(emoji)).isGreaterThanOrEqualTo(2L * emoji.codePointCount(0, emoji.length()));
    }

    @Property
    void noTextIsEstimatedBelowEnglishsRate(@ForAll String text) {
        assertThat(TokenEstimate.of(text)).isGreaterThanOrEqualTo(TokenEstimate.ofLength(text.length()));
    }

    /** A byte-level tokenizer never spends more than a token a byte, so neither does the estimate (beyond rounding). */
    @Property
    void noTextIsEstimatedAboveATokenAByte(@ForAll String text) {
        long utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertThat(TokenEstimate.of(text)).isLessThanOrEqualTo(Math.max(1, utf8));
    }

    /** A stream billed from its deltas costs what the same text would have cost whole, wherever it was cut. */
    @Property
    void aTallyOfPiecesIsTheEstimateOfTheWhole(@ForAll String text, @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 50) int cut) {
        int at = Math.min(cut, text.length());
        var tally = new TokenEstimate.Tally();
        tally.add(text.substring(0, at));
        tally.add(text.substring(at));
        assertThat(tally.tokens()).isEqualTo(TokenEstimate.of(text));
    }
}
