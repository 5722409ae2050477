package dev.quarry.guardrails.pii;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CardNumbersTest {
    private static final String CARD = "CREDIT_DEBIT_CARD_NUMBER";

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "4111.1111.1111.1111",
            "5555555555554444", "2221527601895551", "2720 9797 1147 1045", "378282246310005", "3782 822463 10005",
            "6011111111111117", "6512233079244021", "6447-3537-9907-5115", "3530111333300000", "3589866661760311",
            "30569309025904", "3637 215901 0926", "6245 9571 1777 7410", "6221 5472 8038 5280 841", "6759148525388853",
            "5018393363387505", "4960308246280", "4194 8219 9351 8190 939"})
    void findsEveryNetworkInEveryUsualGrouping(String number) {
        assertThat(Finds.in(CARD, "pay with " + number + " please")).containsExactly(number);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "4111 1111 1111 1112",                 // Luhn fails
            "0000 0000 0000 0000",                 // no network issues 0
            "490154203237518",                     // an IMEI: Luhn-valid, but 15 digits are no Visa length
            "7111111111111114",                    // Luhn-valid, prefix 7 is no card network
            "4111    1111 1111 1111",              // more spaces than anyone types between groups
            "41111 1111 1111 111",                 // wrong grouping
            "45260181590830121234",                // a valid card inside a longer run
            "12 4111 1111 1111 1111",              // ... or after more groups
            "4111-1111-1111-1111-22",
            "id_4111111111111111"})
    void rejectsWhatOnlyLooksLikeACard(String text) {
        assertThat(Finds.in(CARD, "ref " + text + " done")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111 1111-1111 1111", "4111  1111  1111  1111", "4111/1111/1111/1111", "4111 - 1111 - 1111 - 1111",
            "4111.1111 1111-1111", "3782 822463-10005", "6221 5472 8038 5280-841"})
    void findsMixedAndWiderSeparators(String number) {
        assertThat(Finds.in(CARD, "pay with " + number + " please")).containsExactly(number);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\t", "\n", "    ", "--", ".  ", "_", ",", ":", "+", "~", "|", "\u2022", "\r\n"})
    void afterACardWordAnySeparatorBetweenTheGroupsCounts(String separator) {
        String number = String.join(separator, "4539", "1488", "0343", "6467");
        assertThat(Finds.in(CARD, "card " + number + " thanks")).containsExactly(number);
        assertThat(Finds.in(CARD, "ref " + number + " thanks")).as("without a card word").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"45 39 14 88 03 43 64 67", "45391488 03436467", "4 5 3 9 1 4 8 8 0 3 4 3 6 4 6 7", "453 914 880 343 646 7"})
    void afterACardWordAnyGroupingCounts(String number) {
        assertThat(Finds.in(CARD, "my card: " + number)).containsExactly(number);
        assertThat(Finds.in(CARD, "ref " + number)).as("without a card word").isEmpty();
    }

    @Test
    void afterACardWordTheNumberMayRunIntoTheNextOneButNotAcrossABlankLineOrALetter() {
        assertThat(Finds.in(CARD, "card 4539 1488 0343 6467, 12 items")).containsExactly("4539 1488 0343 6467");
        assertThat(Finds.in(CARD, "card 4539 1488\n\n0343 6467")).isEmpty();
        assertThat(Finds.in(CARD, "card 4539 1488 0343 6467x")).isEmpty();
        assertThat(Finds.in(CARD, "card 12 4539|1488|0343|6467")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ticket", "order", "reference", "ref", "invoice", "tracking", "confirmation", "transaction"})
    void aWordForAnotherNumberDoesNotHideAValidCardWrittenAsCardsAre(String word) {
        assertThat(Finds.in(CARD, "Re my " + word + ", the number is 4539 1488 0343 6467")).containsExactly("4539 1488 0343 6467");
        assertThat(Finds.in(CARD, word + " #4111111111111111 shipped")).containsExactly("4111111111111111");
        assertThat(Finds.in(CARD, word + " 3714-496353-98431 attached")).as("Amex 4-6-5").containsExactly("3714-496353-98431");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ticket", "order", "reference", "invoice", "tracking"})
    void anOtherNumberThatIsNoCardStaysClean(String word) {
        assertThat(Finds.in(CARD, word + " #4000123498761234 shipped")).as("fails Luhn").isEmpty();
        assertThat(Finds.in(CARD, word + " 9111 1111 1111 1110 closed")).as("Luhn-valid, but no network starts with 9").isEmpty();
        assertThat(Finds.in(CARD, word + " 4111 1111 1111 116 closed")).as("Luhn-valid, but no Visa is 15 digits").isEmpty();
        assertThat(Finds.in(CARD, word + " 12345, when will it ship?")).isEmpty();
    }

    /**
     * A product code (EAN-13, GTIN-14, ISBN-13) is 13 or 14 digits with a check digit of its own;
     * one in ten also passes Luhn, and those starting 4 (German EANs start 400-440) or 36 have a
     * Visa-13 or Diners-14 shape. Named as a product code and valid as one, it is not a card.
     */
    @ParameterizedTest
    @ValueSource(strings = {"EAN 4001092815905 in stock", "EAN-13: 4080729022275", "barcode 4031672326866 scanned",
            "GTIN 36585304352055 listed", "ISBN 4001092815905"})
    void aValidProductCodeNamedAsOneIsNoCard(String text) {
        assertThat(Finds.in(CARD, text)).isEmpty();
    }

    @Test
    void aProductCodeWordHidesOnlyAValidProductCodeOfItsLength() {
        assertThat(Finds.in(CARD, "EAN 4086828890934 in stock")).as("Luhn-valid Visa-13, not a valid EAN").containsExactly("4086828890934");
        assertThat(Finds.in(CARD, "EAN 4539 1488 0343 6467")).as("16 digits is no EAN").containsExactly("4539 1488 0343 6467");
        assertThat(Finds.in(CARD, "EAN for card 4001092815905")).as("a card word closer").containsExactly("4001092815905");
    }

    @Test
    void acrossOddGapsAWordForAnotherNumberCloserThanTheCardWordStillDecides() {
        assertThat(Finds.in(CARD, "card payment for order 4539|1488|0343|6467")).isEmpty();
        assertThat(Finds.in(CARD, "order paid with card 4539|1488|0343|6467")).containsExactly("4539|1488|0343|6467");
    }

    @Property
    void everyLuhnValidVisaNumberIsFound(@ForAll("visaBodies") String body) {
        String number = withCheckDigit(body);
        assertThat(Finds.in(CARD, "card: " + number)).containsExactly(number);
    }

    @Property
    void everySingleDigitMutationOfAValidNumberIsRejected(@ForAll("visaBodies") String body,
            @ForAll("positions") int position, @ForAll("digits") int shift) {
        String number = withCheckDigit(body);
        char[] mutated = number.toCharArray();
        mutated[position] = (char) ('0' + (mutated[position] - '0' + shift) % 10);
        // A mutated leading 4 may land in another network's range; Luhn still rejects every single-digit change.
        assertThat(Finds.in(CARD, "card: " + new String(mutated))).isEmpty();
    }

    @Provide
    Arbitrary<String> visaBodies() {
        return Arbitraries.strings().numeric().ofLength(14).map(s -> "4" + s);
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 15);
    }

    @Provide
    Arbitrary<Integer> digits() {
        return Arbitraries.integers().between(1, 9);
    }

    static String withCheckDigit(String body) {
        for (char c = '0'; c <= '9'; c++) {
            if (Checksums.luhn(body + c)) return body + c;
        }
        throw new AssertionError("no Luhn check digit for " + body);
    }

    @Test
    void cvvIsTheValueAfterItsLabel() {
        assertThat(Finds.in("CREDIT_DEBIT_CARD_CVV", "Card: 5594 8757 4911 8622\nExpiry: 03/27\nCVV: 771")).containsExactly("771");
        assertThat(Finds.in("CREDIT_DEBIT_CARD_CVV", "amex 378282246310005, CVV2 is 1234")).containsExactly("1234");
        assertThat(Finds.in("CREDIT_DEBIT_CARD_CVV", "Prüfnummer 123")).containsExactly("123");
    }

    @Test
    void cvvNeedsItsLabelAndNoOtherNumberBetween() {
        assertThat(Finds.in("CREDIT_DEBIT_CARD_CVV", "Score 123 points")).isEmpty();
        assertThat(Finds.in("CREDIT_DEBIT_CARD_CVV", "cvv 123, order 456")).containsExactly("123");
        assertThat(Finds.in("CREDIT_DEBIT_CARD_CVV", "The CVV is the three-digit code on the back.")).isEmpty();
        assertThat(Finds.in("CREDIT_DEBIT_CARD_CVV", "security code sent: 482913")).isEmpty();
    }

    @Test
    void expiryIsTheMonthAndYearAfterACardLabel() {
        assertThat(Finds.in("CREDIT_DEBIT_CARD_EXPIRY", "exp 09/28")).containsExactly("09/28");
        assertThat(Finds.in("CREDIT_DEBIT_CARD_EXPIRY", "VALID THRU 4/30")).containsExactly("4/30");
        assertThat(Finds.in("CREDIT_DEBIT_CARD_EXPIRY", "Expiry: 12 / 2027")).containsExactly("12 / 2027");
        assertThat(Finds.in("CREDIT_DEBIT_CARD_EXPIRY", "{\"exp_month\": 12, \"exp_year\": 2027}")).containsExactly("12, \"exp_year\": 2027");
    }

    @Test
    void aDeadlineIsAnExpiryOnlyWhenItCannotBeADayOrACardIsNear() {
        assertThat(Finds.in("CREDIT_DEBIT_CARD_EXPIRY", "This coupon expires 12/31.")).isEmpty();
        assertThat(Finds.in("CREDIT_DEBIT_CARD_EXPIRY", "It expires 08/2029")).containsExactly("08/2029");
        assertThat(Finds.in("CREDIT_DEBIT_CARD_EXPIRY", "my visa expires 12/31")).containsExactly("12/31");
        assertThat(Finds.in("CREDIT_DEBIT_CARD_EXPIRY", "Meeting moved to 12/25")).isEmpty();
        assertThat(Finds.in("CREDIT_DEBIT_CARD_EXPIRY", "exp 03/27/2024")).isEmpty();
    }
}
