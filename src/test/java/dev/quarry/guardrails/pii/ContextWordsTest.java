package dev.quarry.guardrails.pii;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContextWordsTest {
    private final ContextWords cvv = ContextWords.of("cvv", "security code", "(?-i:SIN)");

    @Test
    void aWordCountsWithinTheWindowWithNoDigitBetweenItAndTheValue() {
        assertThat(cvv.before("CVV: 123", 5)).isTrue();
        assertThat(cvv.before("the security code on the back is 082", 33)).isTrue();
        assertThat(cvv.before("cvv 123, order 456", 15)).isFalse();
        assertThat(cvv.before("cvv" + " ".repeat(40) + "123", 43)).isFalse();
    }

    @Test
    void wordsAreWholeWordsAndCaseCountsWhereAsked() {
        assertThat(cvv.before("cvvs 123", 5)).isFalse();
        assertThat(cvv.before("SIN 123", 4)).isTrue();
        assertThat(cvv.before("sin 123", 4)).isFalse();
    }

    @Test
    void theCloserWordOutweighsTheOther() {
        ContextWords order = ContextWords.of("order");
        String text = "order paid with cvv 123";
        assertThat(cvv.outweigh(order, text, 20)).isTrue();
        assertThat(order.outweigh(cvv, text, 20)).isFalse();
    }

    @Test
    void aroundLooksBothWaysAndPastDigits() {
        ContextWords card = ContextWords.of("card").within(20);
        assertThat(card.around("12/31 on my card", 0, 5)).isTrue();
        assertThat(card.around("card 4111 exp 12/31", 14, 19)).isTrue();
        assertThat(card.around("12/31 and then a long way on, card", 0, 5)).isFalse();
    }
}
