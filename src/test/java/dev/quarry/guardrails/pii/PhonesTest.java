package dev.quarry.guardrails.pii;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PhonesTest {
    private static final String PHONE = "PHONE";

    @ParameterizedTest
    @ValueSource(strings = {"+14155552671", "+1 415 555 2671", "+1 (646) 555-0183", "+1.415.555.2671", "+44 20 7946 0958",
            "+44 (0)20 7946 0958", "+33 6 12 34 56 78", "+49 30 901820", "+91 98765 43210", "+61 2 9374 4000",
            "+81 3-1234-5678", "0044 20 7946 0958"})
    void findsInternationalNumbers(String number) {
        assertThat(Finds.in(PHONE, "reach me on " + number + " today")).containsExactly(number);
    }

    @ParameterizedTest
    @ValueSource(strings = {"(415) 555-2671", "(415)555-2671", "415-555-2671", "415.555.2671", "415 555 2671",
            "415 - 555 - 2671", "1-800-555-0199", "1 (800) 555-0199"})
    void findsNorthAmericanNumbers(String number) {
        assertThat(Finds.in(PHONE, "Office: " + number + ".")).containsExactly(number);
    }

    @ParameterizedTest
    @ValueSource(strings = {"415  555  2671", "(415)  555 - 2671", "415   555   2671", "415\t555\t2671", "415_555_2671"})
    void aNumberSpacedOutOrUnderscoredLikeATableRowOrAnIdIsAPhoneNumberOnlyAfterAPhoneWord(String number) {
        assertThat(Finds.in(PHONE, "phone " + number + ".")).containsExactly(number);
        assertThat(Finds.in(PHONE, "Scores " + number + " today")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"020 7946 0958", "0161 496 0123", "07700 900123", "(020) 7946 0958", "0171 2345678",
            "030 901820", "089/1234567", "06 12 34 56 78", "01.42.68.53.00", "06-12345678", "0300 311 22 33"})
    void findsNationalNumbersWithATrunkZero(String number) {
        assertThat(Finds.in(PHONE, "ring " + number + " now")).containsExactly(number);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+1 111 555 2671", "+1 415 155 2671", "+1 415 911 2671", "+28 1234 5678", "+0 123 456 789",
            "+12 34", "+123456789012345678"})
    void rejectsImpossibleInternationalNumbers(String number) {
        assertThat(Finds.in(PHONE, "dial " + number)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-05-14 10:32:07", "$1,299.99", "3.11.4", "20240514-0098-7731", "2024.05.14.1893",
            "1 2 3 4 5 6 7 8 9 10", "0-306-40615-2", "978-3-16-148410-0", "12 345 678,90", "02139-4307", "10-20-30",
            "4111 1111 1111 1111", "078-05-1120", "512-44-8723", "650 587 702", "10.0.19045.3693", "192.168.100.200",
            "04 12 19 23 38 41", "415-555-2671-99", "555-0123", "4155552671", "1715678400"})
    void rejectsDatesPricesVersionsIdsAndBareDigits(String text) {
        assertThat(Finds.in(PHONE, "value " + text + " here")).isEmpty();
    }

    @Test
    void digitsRunTogetherOrALocalNumberCountAfterAPhoneWord() {
        assertThat(Finds.in(PHONE, "text me at 6465550183")).containsExactly("6465550183");
        assertThat(Finds.in(PHONE, "call me at 555-0123 tonight")).containsExactly("555-0123");
        assertThat(Finds.in(PHONE, "mobile 07700900123")).containsExactly("07700900123");
    }

    @Test
    void otherIdentifiersOutweighTheShapeUnlessAPhoneWordIsCloser() {
        assertThat(Finds.in(PHONE, "SKU 415-555-2671")).isEmpty();
        assertThat(Finds.in(PHONE, "NHS number: 943 476 5919")).isEmpty();
        assertThat(Finds.in(PHONE, "order 123, call 415-555-2671")).containsExactly("415-555-2671");
        assertThat(Finds.in(PHONE, "NHS England: 0300 311 22 33")).containsExactly("0300 311 22 33");
    }

    @Test
    void aSeparatorDoesNotJoinTheTailOfALongerNumber() {
        assertThat(Finds.in(PHONE, "card 4526 0181 5908 3012")).isEmpty();
        assertThat(Finds.in(PHONE, "IBAN DE89  3704  0044  0532  0130  00")).as("nor do wider separators").isEmpty();
    }
}
