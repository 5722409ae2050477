package dev.quarry.guardrails.pii;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VinTest {
    private static final String VIN = "VEHICLE_IDENTIFICATION_NUMBER";

    @Test
    void aVinWithAValidCheckDigitStandsAlone() {
        assertThat(Finds.in(VIN, "Looking up 1HGCM82633A004352 and 1M8GDM9AXKP042788")).containsExactly("1HGCM82633A004352", "1M8GDM9AXKP042788");
    }

    @Test
    void aVinFailingTheCheckCountsOnlyWhenTheTextSaysVin() {
        assertThat(Finds.in(VIN, "stock 1HGCM82643A004352")).isEmpty();
        assertThat(Finds.in(VIN, "VIN: 1HGCM82643A004352")).containsExactly("1HGCM82643A004352");
        assertThat(Finds.in(VIN, "vehicle identification number WVWZZZ1JZXW000001")).containsExactly("WVWZZZ1JZXW000001");
    }

    @Test
    void rejectsTheLettersAndYearsAVinNeverHas() {
        assertThat(Finds.in(VIN, "VIN 1HGCM82633A00435")).isEmpty();
        assertThat(Finds.in(VIN, "VIN 1HGCM8263QA004352")).isEmpty();
        assertThat(Finds.in(VIN, "VIN 1HGCM8263UA004352")).isEmpty();
        assertThat(Finds.in(VIN, "VIN 11111111111111111 ABCDEFGHJKLMNPRST")).isEmpty();
        assertThat(Finds.in(VIN, "VIN 1HGCM82633A0043521")).isEmpty();
    }
}
