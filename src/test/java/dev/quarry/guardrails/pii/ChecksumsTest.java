package dev.quarry.guardrails.pii;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Published valid numbers, and the same numbers with one digit changed. */
class ChecksumsTest {
    @Test
    void luhn() {
        assertThat(Checksums.luhn("79927398713")).isTrue();
        assertThat(Checksums.luhn("79927398710")).isFalse();
    }

    @Test
    void ibanMod97() {
        assertThat(Checksums.ibanMod97("GB82WEST12345698765432")).isTrue();
        assertThat(Checksums.ibanMod97("gb82west12345698765432")).isTrue();
        assertThat(Checksums.ibanMod97("GB82WEST12345698765433")).isFalse();
        assertThat(Checksums.ibanMod97("GB82WEST1234569876543!")).isFalse();
    }

    @Test
    void aba() {
        assertThat(Checksums.aba("021000021")).isTrue();
        assertThat(Checksums.aba("021000022")).isFalse();
    }

    @Test
    void nhs() {
        assertThat(Checksums.nhs("9434765919")).isTrue();
        assertThat(Checksums.nhs("9434765918")).isFalse();
        // Remainder 1 gives check digit 10, which is never issued.
        assertThat(Checksums.nhs("1000000010")).isFalse();
    }

    @Test
    void utr() {
        assertThat(Checksums.utr("1141705864")).isTrue();
        assertThat(Checksums.utr("2141705864")).isFalse();
    }

    @Test
    void vin() {
        assertThat(Checksums.vin("1HGCM82633A004352")).isTrue();
        assertThat(Checksums.vin("1M8GDM9AXKP042788")).isTrue();
        assertThat(Checksums.vin("1HGCM82643A004352")).isFalse();
    }
}
