package dev.quarry.guardrails.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.guardrails.detect.Detection;
import dev.quarry.guardrails.detect.PatternDetector;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PiiDetectorsTest {
    /** One text per supported type, its value padded on both sides with unrelated prose. */
    private static final Map<String, String> SAMPLES = new TreeMap<>(Map.ofEntries(
            Map.entry("AGE", "I am 34 years old"),
            Map.entry("AWS_ACCESS_KEY", "key AKIAXI4VICB6WTCBE6ET"),
            Map.entry("AWS_SECRET_KEY", "aws_secret_access_key = 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"),
            Map.entry("CA_SOCIAL_INSURANCE_NUMBER", "social insurance number 731144028"),
            Map.entry("CREDIT_DEBIT_CARD_CVV", "the security code on the back is 082"),
            Map.entry("CREDIT_DEBIT_CARD_EXPIRY", "card 4111 1111 1111 1111, expires 12/31"),
            Map.entry("CREDIT_DEBIT_CARD_NUMBER", "card 4111 1111 1111 1111"),
            Map.entry("DATE_OF_BIRTH", "I was born on 12 March 1985"),
            Map.entry("DRIVER_ID", "Driver's license number: D4829175"),
            Map.entry("EMAIL", "mail jane.doe@example.com"),
            Map.entry("INTERNATIONAL_BANK_ACCOUNT_NUMBER", "IBAN DE89 3704 0044 0532 0130 00"),
            Map.entry("IP_ADDRESS", "from 203.0.113.77"),
            Map.entry("MAC_ADDRESS", "mac 00:1A:2B:3C:4D:5E"),
            Map.entry("PASSWORD", "password: hunter2"),
            Map.entry("PHONE", "call (415) 555-2671"),
            Map.entry("PIN", "my PIN is 4821"),
            Map.entry("SWIFT_CODE", "SWIFT code: DEUTDEFF"),
            Map.entry("UK_NATIONAL_HEALTH_SERVICE_NUMBER", "Patient NHS No 6122202975"),
            Map.entry("UK_NATIONAL_INSURANCE_NUMBER", "NI number: JG 10 37 59 A"),
            Map.entry("UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER", "My unique taxpayer reference is 39208 31240"),
            Map.entry("URL", "see https://docs.quarry.dev/pii"),
            Map.entry("USERNAME", "username: jsmith42"),
            Map.entry("US_BANK_ACCOUNT_NUMBER", "checking account #: 004417392815"),
            Map.entry("US_BANK_ROUTING_NUMBER", "routing/transit #: 111000025"),
            Map.entry("US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER", "itin 900941122"),
            Map.entry("US_PASSPORT_NUMBER", "passport no. C03005988"),
            Map.entry("US_SOCIAL_SECURITY_NUMBER", "Social Security number 287654321"),
            Map.entry("VEHICLE_IDENTIFICATION_NUMBER", "vehicle identification number WVWZZZ1JZXW000001")));
    private static final String FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(4);

    @Test
    void supportsTheBedrockTypesThatPatternsFindAndDateOfBirth() {
        assertThat(PiiDetectors.supportedTypes()).containsExactlyElementsOf(SAMPLES.keySet());
    }

    @Test
    void eachDetectorReportsItsOwnType() {
        for (String type : PiiDetectors.supportedTypes()) {
            PatternDetector detector = PiiDetectors.forType(type);
            assertThat(detector.type()).isEqualTo(type);
            assertThat(detector.find(FILLER + SAMPLES.get(type) + " " + FILLER)).as(type)
                    .singleElement().extracting(Detection::type).isEqualTo(type);
        }
    }

    /** What maxSpan promises a stream: the last maxSpan characters up to a value's end are enough to find it. */
    @Test
    void maxSpanCoversTheValueAndTheContextItNeeds() {
        for (String type : PiiDetectors.supportedTypes()) {
            PatternDetector detector = PiiDetectors.forType(type);
            String text = FILLER + SAMPLES.get(type) + " " + FILLER;
            Detection whole = detector.find(text).getFirst();
            int from = Math.max(0, whole.end() + 1 - detector.maxSpan());
            String window = text.substring(from, Math.min(text.length(), whole.end() + 1 + detector.maxSpan() / 2));
            assertThat(detector.find(window)).as(type).extracting(d -> d.match(window)).contains(whole.match(text));
        }
    }

    @Test
    void findsNothingInProse() {
        for (String type : PiiDetectors.supportedTypes()) {
            assertThat(PiiDetectors.forType(type).find(FILLER)).as(type).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NAME", "ADDRESS", "LICENSE_PLATE", "CA_HEALTH_NUMBER"})
    void refusesTheTypesItCannotFindReliablyAndSaysWhy(String type) {
        assertThatThrownBy(() -> PiiDetectors.forType(type))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(type + " is not supported: ");
    }

    @Test
    void aNameNeedsANamedEntityModel() {
        assertThatThrownBy(() -> PiiDetectors.forType("NAME"))
                .hasMessageContaining("NAME needs a named-entity model; Quarry detects PII by pattern and validation");
    }

    @Test
    void anUnknownTypeListsTheValidNames() {
        assertThatThrownBy(() -> PiiDetectors.forType("SOCIAL_SECURITY"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown PII type 'SOCIAL_SECURITY'")
                .hasMessageContaining("NAME")
                .hasMessageContaining("US_SOCIAL_SECURITY_NUMBER")
                .hasMessageContaining("DATE_OF_BIRTH");
    }

    @Test
    void theThirtyOneBedrockTypesAreAllKnown() {
        List<String> bedrock = List.of("ADDRESS", "AGE", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "CA_HEALTH_NUMBER",
                "CA_SOCIAL_INSURANCE_NUMBER", "CREDIT_DEBIT_CARD_CVV", "CREDIT_DEBIT_CARD_EXPIRY", "CREDIT_DEBIT_CARD_NUMBER",
                "DRIVER_ID", "EMAIL", "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "IP_ADDRESS", "LICENSE_PLATE", "MAC_ADDRESS", "NAME",
                "PASSWORD", "PHONE", "PIN", "SWIFT_CODE", "UK_NATIONAL_HEALTH_SERVICE_NUMBER", "UK_NATIONAL_INSURANCE_NUMBER",
                "UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER", "URL", "USERNAME", "US_BANK_ACCOUNT_NUMBER", "US_BANK_ROUTING_NUMBER",
                "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER", "US_PASSPORT_NUMBER", "US_SOCIAL_SECURITY_NUMBER",
                "VEHICLE_IDENTIFICATION_NUMBER");
        for (String type : bedrock) {
            try {
                PiiDetectors.forType(type);
            } catch (IllegalArgumentException refused) {
                assertThat(refused).as(type).hasMessageContaining("is not supported");
            }
        }
    }

    @Test
    void detectionsAreInOrderAndDoNotOverlap() {
        String text = "Call +44 20 7946 0958 or (415) 555-2671; fax 0161 496 0123. IPs 10.0.0.1, ::ffff:192.0.2.1 and fe80::1.";
        for (String type : List.of("PHONE", "IP_ADDRESS")) {
            List<Detection> found = PiiDetectors.forType(type).find(text);
            for (int i = 1; i < found.size(); i++) {
                assertThat(found.get(i).start()).as(type).isGreaterThanOrEqualTo(found.get(i - 1).end());
            }
        }
        assertThat(Finds.in("IP_ADDRESS", text)).containsExactly("10.0.0.1", "::ffff:192.0.2.1", "fe80::1");
    }

    /** Long runs of the characters the patterns repeat: a catastrophic backtrack would never return. */
    @Test
    void pathologicalInputsAreReadInOnePass() {
        List<String> inputs = List.of("1".repeat(50_000), "1 ".repeat(25_000), "1-".repeat(25_000), "a.".repeat(25_000),
                "A".repeat(50_000), "a".repeat(50_000) + "@", ":".repeat(50_000), "f:".repeat(25_000), "0.".repeat(25_000),
                "http://" + "a".repeat(50_000), "password: " + "x".repeat(50_000), "DE89 ".repeat(10_000));
        for (String type : PiiDetectors.supportedTypes()) {
            for (String input : inputs) {
                assertThat(PiiDetectors.forType(type).find(input)).as(type).isNotNull();
            }
        }
    }

    @Test
    void aValueABidiOverrideShowsIsFoundAndItsWholeRunReported() {
        String card = "CREDIT_DEBIT_CARD_NUMBER";
        assertThat(Finds.in(card, "card \u202E7646 3430 8841 9354\u202C ok")).containsExactly("\u202E7646 3430 8841 9354\u202C");
        assertThat(Finds.in(card, "card \u202E7646 3430 8841 9354")).containsExactly("\u202E7646 3430 8841 9354");
        assertThat(Finds.in(card, "card \u202D4539 1488 0343 6467\u202C")).containsExactly("\u202D4539 1488 0343 6467\u202C");
        assertThat(Finds.in(card, "card \u202E4539 1488 0343 6468\u202C")).as("shown 8643 3430 8841 9354: no card").isEmpty();
        assertThat(Finds.in("EMAIL", "mail \u202Emoc.elpmaxe@ecila\u202C now")).containsExactly("\u202Emoc.elpmaxe@ecila\u202C");
    }
}
