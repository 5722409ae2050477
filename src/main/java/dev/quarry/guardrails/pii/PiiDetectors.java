package dev.quarry.guardrails.pii;

import dev.quarry.guardrails.detect.Detection;
import dev.quarry.guardrails.detect.PatternDetector;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The PII detectors, by Bedrock Guardrails entity type name ({@code EMAIL}, {@code
 * CREDIT_DEBIT_CARD_NUMBER}...), plus Quarry's {@code DATE_OF_BIRTH}. Each finds its type by
 * shape, validation (checksums, number ranges, issuer prefixes, country tables) and the words just
 * before a value; the types that only a named-entity model finds reliably are refused, with why.
 * The detectors are stateless and shared.
 */
public final class PiiDetectors {
    private static final Map<String, PatternDetector> SUPPORTED = index(
            CardNumbers.number(), CardNumbers.cvv(), CardNumbers.expiry(),
            Iban.detector(), BankIds.routing(), BankIds.account(), BankIds.swift(),
            GovernmentIds.ssn(), GovernmentIds.itin(), GovernmentIds.sin(), GovernmentIds.nhs(), GovernmentIds.nino(),
            GovernmentIds.utr(), GovernmentIds.passport(), GovernmentIds.driverId(),
            Phones.detector(), new OneWord(WebAddresses.email()), new OneWord(WebAddresses.url()), new OneWord(NetworkAddresses.ip()),
            new OneWord(NetworkAddresses.mac()), new OneWord(Credentials.awsAccessKey()), Credentials.awsSecretKey(),
            new OneWord(Credentials.password()), new OneWord(Credentials.username()),
            Credentials.pin(), Vin.detector(), PersonalFacts.age(), PersonalFacts.dateOfBirth());

    private static final Map<String, String> UNSUPPORTED = Map.of(
            "NAME", "NAME needs a named-entity model; Quarry detects PII by pattern and validation, and a name has neither",
            "ADDRESS", "ADDRESS needs a named-entity model; street addresses follow no pattern that holds across countries "
                    + "and carry no check digit",
            "LICENSE_PLATE", "LICENSE_PLATE has a different format in every country and state, and those formats collide "
                    + "with product codes, flight numbers and ids; no pattern finds plates at useful precision",
            "CA_HEALTH_NUMBER", "CA_HEALTH_NUMBER is issued by each province in its own format and check (Ontario, "
                    + "Quebec and British Columbia differ), and text rarely says which province; Quarry does not validate them");

    private PiiDetectors() {}

    /**
     * The detector for a PII entity type.
     *
     * @throws IllegalArgumentException for a type Bedrock does not define, or one Quarry cannot detect reliably
     */
    public static PatternDetector forType(String type) {
        PatternDetector detector = SUPPORTED.get(type);
        if (detector != null) return detector;
        String reason = UNSUPPORTED.get(type);
        if (reason != null) throw new IllegalArgumentException("PII type " + type + " is not supported: " + reason);
        Set<String> known = new TreeSet<>(SUPPORTED.keySet());
        known.addAll(UNSUPPORTED.keySet());
        throw new IllegalArgumentException("unknown PII type '" + type + "'; the types are " + String.join(", ", known));
    }

    /** The types {@link #forType} returns a detector for, in alphabetical order. */
    public static Set<String> supportedTypes() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(SUPPORTED.keySet()));
    }

    /**
     * A detector whose finds never hold whitespace and depend on nothing after them (see
     * {@link PatternDetector#withinOneWord}); the evaluation set's finds bear it out.
     */
    private record OneWord(PatternDetector detector) implements PatternDetector {
        public String type() {
            return detector.type();
        }

        public List<Detection> find(CharSequence text) {
            return detector.find(text);
        }

        public int maxSpan() {
            return detector.maxSpan();
        }

        @Override
        public boolean withinOneWord() {
            return true;
        }
    }

    private static Map<String, PatternDetector> index(PatternDetector... detectors) {
        Map<String, PatternDetector> byType = new TreeMap<>();
        Stream.of(detectors).forEach(d -> byType.put(d.type(), d));
        return Collections.unmodifiableMap(byType);
    }
}
