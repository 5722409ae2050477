package dev.quarry.guardrails.pii;

import java.util.Arrays;
import java.util.Optional;

/**
 * The card schemes whose numbers are detected, by issuer identification number (the leading
 * digits) and length. A Luhn-valid number outside these ranges is far more often an IMEI, an
 * order or a tracking number than a card.
 */
enum CardNetwork {
    VISA("13,16,19", "4"),
    MASTERCARD("16", "51-55", "2221-2720"),
    AMEX("15", "34", "37"),
    DISCOVER("16-19", "6011", "644-649", "65", "622126-622925"),
    JCB("16-19", "3528-3589"),
    DINERS("14-19", "300-305", "3095", "36", "38-39"),
    UNIONPAY("16-19", "62"),
    MAESTRO("13-19", "5018", "5020", "5038", "5893", "6304", "6759", "6761-6763");

    /** An inclusive range of numbers written with the same number of digits. */
    private record Range(long low, long high, int digits) {
        static Range parse(String spec) {
            String[] ends = spec.split("-");
            return new Range(Long.parseLong(ends[0]), Long.parseLong(ends[ends.length - 1]), ends[0].length());
        }

        boolean containsPrefixOf(String number) {
            if (number.length() < digits) return false;
            long prefix = Long.parseLong(number, 0, digits, 10);
            return prefix >= low && prefix <= high;
        }

        boolean contains(int n) {
            return n >= low && n <= high;
        }
    }

    private final Range[] lengths;
    private final Range[] prefixes;

    CardNetwork(String lengths, String... prefixes) {
        this.lengths = Arrays.stream(lengths.split(",")).map(Range::parse).toArray(Range[]::new);
        this.prefixes = Arrays.stream(prefixes).map(Range::parse).toArray(Range[]::new);
    }

    /** The network issuing numbers of this prefix and length, if any. */
    static Optional<CardNetwork> of(String digits) {
        for (CardNetwork network : values()) {
            if (Arrays.stream(network.lengths).anyMatch(r -> r.contains(digits.length()))
                    && Arrays.stream(network.prefixes).anyMatch(r -> r.containsPrefixOf(digits))) {
                return Optional.of(network);
            }
        }
        return Optional.empty();
    }
}
