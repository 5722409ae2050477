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

class GovernmentIdsTest {
    private static final String SSN = "US_SOCIAL_SECURITY_NUMBER";

    @Test
    void aGroupedSsnStandsOnItsShapeABareOneNeedsItsName() {
        assertThat(Finds.in(SSN, "is 219-46-3308 right?")).containsExactly("219-46-3308");
        assertThat(Finds.in(SSN, "SSN: 609 12 4471")).containsExactly("609 12 4471");
        assertThat(Finds.in(SSN, "ssn=538118642")).containsExactly("538118642");
        assertThat(Finds.in(SSN, "what's your social? mine is 432119087")).containsExactly("432119087");
        assertThat(Finds.in(SSN, "is 219 46 3308 right?")).containsExactly("219 46 3308");
        assertThat(Finds.in(SSN, "Build took 538118642 ms")).isEmpty();
        assertThat(Finds.in(SSN, "social insurance number 731144028")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"000-12-3456", "666-45-1234", "900-12-3456", "512-00-8723", "512-44-0000", "078-05-1120",
            "123-45-6789", "512-44 8723x", "51244-8723", "1512-44-8723", "512-44-8723-1"})
    void rejectsNumbersTheSsaNeverIssuesAndBrokenShapes(String text) {
        assertThat(Finds.in(SSN, "SSN " + text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"536\t22\t1847", "536_22_1847", "536,22,1847", "536    22    1847", "536-22.1847", "536 - 22 - 1847",
            "536.22.1847", "536\n22\n1847"})
    void afterItsNameAnSsnMayBeGroupedWithAnyShortSeparator(String ssn) {
        assertThat(Finds.in(SSN, "SSN " + ssn + " on file")).containsExactly(ssn);
    }

    @Test
    void aFrenchNumberWithNoBreakSpacesBetweenItsThousandsIsASinOnlyWhereAWordSaysSo() {
        String sin = "CA_SOCIAL_INSURANCE_NUMBER";
        assertThat(Finds.in(sin, "Prix : 130\u202F692\u202F544\u00A0\u20AC")).isEmpty();
        assertThat(Finds.in(sin, "Total 130\u00A0692\u00A0544 habitants")).isEmpty();
        assertThat(Finds.in(sin, "NAS : 130\u202F692\u202F544")).containsExactly("130\u202F692\u202F544");
        assertThat(Finds.in(sin, "is 130 692 544 right?")).containsExactly("130 692 544");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Release 536.22.1847 notes", "Ticket 536 - 22 - 1847 closed", "536   22   1847", "536  22  1847",
            "rows 536,22,1847", "536-22.1847", "536 22-1847"})
    void withoutItsNameOnlyOneSpaceOrOneDashMakesAnSsn(String text) {
        assertThat(Finds.in(SSN, text)).isEmpty();
    }

    @Property
    void everyValidAreaGroupAndSerialIsFound(@ForAll("areas") int area, @ForAll("groups") int group, @ForAll("serials") int serial) {
        String ssn = "%03d-%02d-%04d".formatted(area, group, serial);
        if (ssn.equals("123-45-6789") || ssn.equals("078-05-1120") || ssn.equals("219-09-9999")) return;
        assertThat(Finds.in(SSN, "ssn " + ssn)).containsExactly(ssn);
    }

    @Provide
    Arbitrary<Integer> areas() {
        return Arbitraries.integers().between(1, 899).filter(a -> a != 666);
    }

    @Provide
    Arbitrary<Integer> groups() {
        return Arbitraries.integers().between(1, 99);
    }

    @Provide
    Arbitrary<Integer> serials() {
        return Arbitraries.integers().between(1, 9999);
    }

    @Test
    void itinsHaveTheirOwnGroupRanges() {
        String itin = "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER";
        assertThat(Finds.in(itin, "ITIN 912-70-4567, 923 88 1234, 987-65-4320")).containsExactly("912-70-4567", "923 88 1234", "987-65-4320");
        assertThat(Finds.in(itin, "itin 900941122")).containsExactly("900941122");
        assertThat(Finds.in(itin, "912-34-5678 912-69-5678 912-93-5678 812-70-4567 900941122")).isEmpty();
        assertThat(Finds.in(SSN, "912-70-4567")).isEmpty();
    }

    @Test
    void canadianSinsPassLuhnAndNeverStartWithZeroOrEight() {
        String sin = "CA_SOCIAL_INSURANCE_NUMBER";
        assertThat(Finds.in(sin, "SIN 650 587 702 and 458-948-114")).containsExactly("650 587 702", "458-948-114");
        assertThat(Finds.in(sin, "Einwohner: 650.587.702")).as("a number with thousands separators").isEmpty();
        assertThat(Finds.in(sin, "SIN 650.587.702")).containsExactly("650.587.702");
        assertThat(Finds.in(sin, "social insurance number 731144028")).containsExactly("731144028");
        assertThat(Finds.in(sin, "046 454 286, 650 587 703, 731144028, sin 731144028")).isEmpty();
    }

    @Test
    void nhsNumbersPassMod11AndCountUnnamedOnlyWhenSpacedAndNotAfterAPhoneWord() {
        String nhs = "UK_NATIONAL_HEALTH_SERVICE_NUMBER";
        assertThat(Finds.in(nhs, "NHS number: 943 476 5919")).containsExactly("943 476 5919");
        assertThat(Finds.in(nhs, "nhs_number=4348395489")).containsExactly("4348395489");
        assertThat(Finds.in(nhs, "patient 943 476 5919 seen")).containsExactly("943 476 5919");
        assertThat(Finds.in(nhs, "call 943 476 5919")).isEmpty();
        assertThat(Finds.in(nhs, "ref 943-476-5919 and 4348395489")).isEmpty();
        assertThat(Finds.in(nhs, "NHS number 943 476 5918")).isEmpty();
    }

    @Test
    void nationalInsuranceNumbersFollowTheAllocationRules() {
        String nino = "UK_NATIONAL_INSURANCE_NUMBER";
        assertThat(Finds.in(nino, "JG 10 37 59 A, SN452109D, jg103759a")).containsExactly("JG 10 37 59 A", "SN452109D", "jg103759a");
        assertThat(Finds.in(nino, "QQ123456C DA123456A AO123456A GB123456A TN123456A AB123456E AB 12 3456 C AB1234567C")).isEmpty();
    }

    @Test
    void utrsNeedTheirNameAndCheckDigit() {
        String utr = "UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER";
        assertThat(Finds.in(utr, "UTR 1141705864")).containsExactly("1141705864");
        assertThat(Finds.in(utr, "unique taxpayer reference is 39208 31240")).containsExactly("39208 31240");
        assertThat(Finds.in(utr, "UTR: 4234483478K")).containsExactly("4234483478K");
        assertThat(Finds.in(utr, "UTR 1141705865")).isEmpty();
        assertThat(Finds.in(utr, "Reference 1141705864")).isEmpty();
    }

    @Test
    void passportNumbersFollowTheWordPassport() {
        String passport = "US_PASSPORT_NUMBER";
        assertThat(Finds.in(passport, "US passport A39284716, expires 2031")).containsExactly("A39284716");
        assertThat(Finds.in(passport, "Passport number: 568123479")).containsExactly("568123479");
        assertThat(Finds.in(passport, "568123479")).isEmpty();
        assertThat(Finds.in(passport, "passport photo 2x2, ref 568123479")).isEmpty();
    }

    @Test
    void driverIdsAreTheValueRightAfterTheLabel() {
        String dl = "DRIVER_ID";
        assertThat(Finds.in(dl, "Driver's license number: D4829175")).containsExactly("D4829175");
        assertThat(Finds.in(dl, "DL# 123456789, state NY")).containsExactly("123456789");
        assertThat(Finds.in(dl, "driving licence MORGA753116SM9IJ")).containsExactly("MORGA753116SM9IJ");
        assertThat(Finds.in(dl, "my drivers license is F255-921-50-094-0")).containsExactly("F255-921-50-094-0");
        assertThat(Finds.in(dl, "renew my driver's license next month")).isEmpty();
        assertThat(Finds.in(dl, "driver's license is 2027-05-01")).isEmpty();
        assertThat(Finds.in(dl, "DL: 940 Mbps")).isEmpty();
        assertThat(Finds.in(dl, "lost my driver's license on the train, ref AB123456")).isEmpty();
    }
}
