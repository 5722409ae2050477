package dev.quarry.guardrails.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IbanTest {
    private static final String IBAN = "INTERNATIONAL_BANK_ACCOUNT_NUMBER";

    @ParameterizedTest
    @ValueSource(strings = {"DE89370400440532013000", "DE89 3704 0044 0532 0130 00", "DE89  3704  0044  0532  0130  00", "GB82WEST12345698765432",
            "FR14 2004 1010 0505 0001 3M02 606", "NO9386011117947", "NO93 8601 1117 947", "MT84MALT011000012345MTLCAST001S",
            "gb29 nwbk 6016 1331 9268 19", "DE89-3704-0044-0532-0130-00", "DE89\t3704\t0044\t0532\t0130\t00"})
    void findsTheIbanWholeAndNoMore(String iban) {
        assertThat(Finds.in(IBAN, "to " + iban + " BIC DEUTDEFF thanks")).containsExactly(iban);
    }

    @ParameterizedTest
    @ValueSource(strings = {"DE89 3704 0044 0532 0130 01", "GB00WEST12345698765432", "XX12ABCD12345678",
            "DE89 37040044 0532 0130 00", "DE89 3704    0044 0532 0130 00", "DE8937040044053201300", "DE89370400440532013000123",
            "DE89--3704-0044-0532-0130-00", "DE89 - 3704 - 0044 - 0532 - 0130 - 00"})
    void rejectsBadChecksumsUnknownCountriesWrongLengthsAndBrokenGroups(String text) {
        assertThat(Finds.in(IBAN, "IBAN " + text + " ok")).isEmpty();
    }

    @Test
    void findsTwoInARow() {
        assertThat(Finds.in(IBAN, "DE89 3704 0044 0532 0130 00 GB82 WEST 1234 5698 7654 32"))
                .containsExactly("DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32");
    }

    @Property
    void everyIbanWithComputedCheckDigitsIsFoundAndEveryAlteredOneIsNot(@ForAll("germanBbans") String bban,
            @ForAll("positions") int position) {
        String iban = "DE" + checkDigits("DE", bban) + bban;
        assertThat(Finds.in(IBAN, "IBAN " + iban)).containsExactly(iban);
        char[] altered = iban.toCharArray();
        altered[position] = altered[position] == '9' ? '0' : (char) (altered[position] + 1);
        assertThat(Finds.in(IBAN, "IBAN " + new String(altered))).isEmpty();
    }

    @Provide
    Arbitrary<String> germanBbans() {
        return Arbitraries.strings().numeric().ofLength(18);
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(2, 21);
    }

    private static String checkDigits(String country, String bban) {
        StringBuilder numeric = new StringBuilder();
        for (char c : (bban + country + "00").toCharArray()) numeric.append(Character.digit(c, 36));
        int check = 98 - new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue();
        return String.format("%02d", check);
    }
}
