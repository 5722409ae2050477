package dev.quarry.guardrails.pii;

import dev.quarry.guardrails.detect.Detection;
import dev.quarry.guardrails.detect.NormalisedText;
import dev.quarry.guardrails.detect.NormalisingDetector;
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
 * Every detector reads the text as a person does ({@link NormalisedText}: any script's digits,
 * no invisible characters, full-width forms and typographic spaces and dashes read plainly) and
 * reports its finds on the characters as written. The detectors are stateless and shared.
 */
public final class PiiDetectors {
    private static final Map<String, PatternDetector> SUPPORTED = index(
            digitLed(CardNumbers.number()), digitLed(CardNumbers.cvv()), digitLed(CardNumbers.expiry()),
            Iban.detector(), digitLed(BankIds.routing()), digitLed(BankIds.account()), BankIds.swift(),
            digitLed(GovernmentIds.ssn()), digitLed(GovernmentIds.itin()), digitLed(GovernmentIds.sin()), digitLed(GovernmentIds.nhs()),
            GovernmentIds.nino(), digitLed(GovernmentIds.utr()), GovernmentIds.passport(), GovernmentIds.driverId(),
            digitLed(Phones.detector()), lastWords(WebAddresses.email(), 5), lastWords(WebAddresses.url(), 1), lastWords(NetworkAddresses.ip(), 1),
            lastWords(NetworkAddresses.mac(), 1), lastWords(Credentials.awsAccessKey(), 1), Credentials.awsSecretKey(),
            lastWords(Credentials.password(), 1), lastWords(Credentials.username(), 1),
            digitLed(Credentials.pin()), Vin.detector(), digitLed(PersonalFacts.age()), PersonalFacts.dateOfBirth());

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

    /** How a stream may hold back less than a detector's whole span, by what its finds look like. */
    private enum Hold {
        /**
         * Finds start with a digit, '+' or '(' (numbers, phone numbers): a find still being written
         * starts at one of those within the span, so the prose before the first of them can go.
         */
        DIGIT_LED,
        /**
         * Finds cover at most a few words and depend on nothing after them (an email address, with
         * "name (at) example (dot) com" five words; a URL one): only the last words can be part of
         * one still being written.
         */
        LAST_WORDS
    }

    /**
     * A detector with a narrower hold-back; its finds are the wrapped detector's (the evaluation
     * set's finds bear the rules out).
     *
     * @param words for {@link Hold#LAST_WORDS}, how many words one find can cover
     */
    private record Held(PatternDetector detector, Hold hold, int words) implements PatternDetector {
        public String type() {
            return detector.type();
        }

        public List<Detection> find(CharSequence text) {
            return detector.find(text);
        }

        @Override
        public List<Detection> findInReading(NormalisedText text) {
            return detector.findInReading(text);
        }

        public int maxSpan() {
            return detector.maxSpan();
        }

        @Override
        public int holdFrom(CharSequence text) {
            int from = Math.max(0, text.length() - maxSpan());
            if (hold == Hold.LAST_WORDS) {
                int start = text.length();
                for (int word = 0; word < words && start > from; word++) {
                    if (word > 0) while (start > from && Character.isWhitespace(text.charAt(start - 1))) start--;
                    while (start > from && !Character.isWhitespace(text.charAt(start - 1))) start--;
                }
                return start;
            }
            for (int i = from; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isDigit(c) || c == '+' || c == '(') return i;
            }
            return text.length();
        }
    }

    private static PatternDetector digitLed(PatternDetector detector) {
        return new Held(detector, Hold.DIGIT_LED, 0);
    }

    private static PatternDetector lastWords(PatternDetector detector, int words) {
        return new Held(detector, Hold.LAST_WORDS, words);
    }

    private static Map<String, PatternDetector> index(PatternDetector... detectors) {
        Map<String, PatternDetector> byType = new TreeMap<>();
        Stream.of(detectors).forEach(d -> byType.put(d.type(), new NormalisingDetector(d)));
        return Collections.unmodifiableMap(byType);
    }
}
