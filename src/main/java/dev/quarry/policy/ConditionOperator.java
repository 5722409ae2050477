package dev.quarry.policy;

import dev.quarry.policy.ConditionKey.ValueKind;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The condition operators and their semantics. Positive operators match when some request value
 * matches some policy value, and never when the key is absent; negated operators ({@code Not…})
 * match when no request value matches, which includes an absent key — the cloud IAM rule.
 */
public enum ConditionOperator {
    STRING_EQUALS("StringEquals", ValueKind.STRING, false),
    STRING_NOT_EQUALS("StringNotEquals", ValueKind.STRING, true),
    STRING_EQUALS_IGNORE_CASE("StringEqualsIgnoreCase", ValueKind.STRING, false),
    STRING_LIKE("StringLike", ValueKind.STRING, false),
    STRING_NOT_LIKE("StringNotLike", ValueKind.STRING, true),
    NUMERIC_EQUALS("NumericEquals", ValueKind.NUMBER, false),
    NUMERIC_NOT_EQUALS("NumericNotEquals", ValueKind.NUMBER, true),
    NUMERIC_LESS_THAN("NumericLessThan", ValueKind.NUMBER, false),
    NUMERIC_LESS_THAN_EQUALS("NumericLessThanEquals", ValueKind.NUMBER, false),
    NUMERIC_GREATER_THAN("NumericGreaterThan", ValueKind.NUMBER, false),
    NUMERIC_GREATER_THAN_EQUALS("NumericGreaterThanEquals", ValueKind.NUMBER, false),
    DATE_LESS_THAN("DateLessThan", ValueKind.DATE, false),
    DATE_GREATER_THAN("DateGreaterThan", ValueKind.DATE, false),
    IP_ADDRESS("IpAddress", ValueKind.IP, false),
    NOT_IP_ADDRESS("NotIpAddress", ValueKind.IP, true);

    private final String jsonName;
    private final ValueKind kind;
    private final boolean negated;

    ConditionOperator(String jsonName, ValueKind kind, boolean negated) {
        this.jsonName = jsonName;
        this.kind = kind;
        this.negated = negated;
    }

    public String jsonName() {
        return jsonName;
    }

    public ValueKind kind() {
        return kind;
    }

    public static ConditionOperator of(String name) {
        for (ConditionOperator op : values()) if (op.jsonName.equals(name)) return op;
        return null;
    }

    /** @param policyValues the condition's values as {@link #parse} made them */
    boolean test(List<String> requestValues, List<Object> policyValues) {
        boolean any = false;
        for (String actual : requestValues) {
            for (Object expected : policyValues) {
                if (matchesPositively(actual, expected)) {
                    any = true;
                    break;
                }
            }
            if (any) break;
        }
        return negated != any;
    }

    /** The positive form of the test for one pair of values; malformed request values never match. */
    private boolean matchesPositively(String actual, Object expected) {
        return switch (this) {
            case STRING_EQUALS, STRING_NOT_EQUALS -> actual.equals(expected);
            case STRING_EQUALS_IGNORE_CASE -> actual.equalsIgnoreCase((String) expected);
            case STRING_LIKE, STRING_NOT_LIKE -> Wildcard.matches((String) expected, actual, false);
            case NUMERIC_EQUALS, NUMERIC_NOT_EQUALS -> compareNumbers(actual, (BigDecimal) expected) == 0;
            case NUMERIC_LESS_THAN -> compareNumbers(actual, (BigDecimal) expected) < 0;
            case NUMERIC_LESS_THAN_EQUALS -> inRange(compareNumbers(actual, (BigDecimal) expected), -1, 0);
            case NUMERIC_GREATER_THAN -> compareNumbers(actual, (BigDecimal) expected) == 1;
            case NUMERIC_GREATER_THAN_EQUALS -> inRange(compareNumbers(actual, (BigDecimal) expected), 0, 1);
            case DATE_LESS_THAN -> compareDates(actual, (Instant) expected) < 0;
            case DATE_GREATER_THAN -> compareDates(actual, (Instant) expected) == 1;
            case IP_ADDRESS, NOT_IP_ADDRESS -> ((Cidr) expected).contains(actual);
        };
    }

    /** Checks that a policy value suits this operator, naming the problem. */
    void validate(String value, String path) {
        switch (kind) {
            case NUMBER -> {
                if (number(value) == null) throw new PolicyException(path, "'" + value + "' is not a number, which " + jsonName + " needs");
            }
            case DATE -> {
                if (instant(value) == null) {
                    throw new PolicyException(path, "'" + value + "' is not a date (ISO-8601 like 2026-01-31T00:00:00Z, or epoch seconds)");
                }
            }
            case IP -> Cidr.parse(value, path);
            case STRING -> { }
        }
    }

    /** A policy value as this operator compares it: a String, BigDecimal, Instant or Cidr. */
    Object parse(String value) {
        validate(value, "");
        return switch (kind) {
            case NUMBER -> number(value);
            case DATE -> instant(value);
            case IP -> Cidr.parse(value);
            case STRING -> value;
        };
    }

    private static boolean inRange(int value, int low, int high) {
        return value != 2 && value >= low && value <= high;
    }

    /** -1, 0, 1; or 2 when the request value is not a number (then no numeric test matches). */
    private static int compareNumbers(String actual, BigDecimal expected) {
        BigDecimal a = number(actual);
        return a == null ? 2 : Integer.signum(a.compareTo(expected));
    }

    private static int compareDates(String actual, Instant expected) {
        Instant a = instant(actual);
        return a == null ? 2 : Integer.signum(a.compareTo(expected));
    }

    private static BigDecimal number(String value) {
        try {
            return new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Instant instant(String value) {
        try {
            return value.chars().allMatch(Character::isDigit) && !value.isEmpty()
                    ? Instant.ofEpochSecond(Long.parseLong(value))
                    : Instant.parse(value.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException | NumberFormatException e) {
            return null;
        }
    }

    /** An IPv4 or IPv6 network in CIDR notation (a bare address is a /32 or /128). */
    record Cidr(byte[] network, int prefix) {
        /** By value: two parses of one network are the same condition. */
        @Override
        public boolean equals(Object other) {
            return other instanceof Cidr c && prefix == c.prefix && Arrays.equals(network, c.network);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(network) + prefix;
        }

        static Cidr parse(String text) {
            return parse(text, "");
        }

        static Cidr parse(String text, String path) {
            String[] parts = text.trim().split("/", 2);
            byte[] address = literal(parts[0]);
            if (address == null) throw new PolicyException(path, "'" + text + "' is not an IP address or CIDR block");
            int prefix;
            try {
                prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
            } catch (NumberFormatException e) {
                throw new PolicyException(path, "'" + text + "' has no valid prefix length");
            }
            if (prefix < 0 || prefix > address.length * 8) throw new PolicyException(path, "'" + text + "' has a prefix length out of range");
            return new Cidr(address, prefix);
        }

        boolean contains(String ip) {
            byte[] address = literal(ip);
            if (address == null || address.length != network.length) return false;
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) return false;
            }
            return true;
        }

        /** Parses only IP literals: a host name must never cause a DNS lookup here. */
        private static byte[] literal(String text) {
            String t = text.trim();
            boolean looksLikeIp = !t.isEmpty() && (t.contains(":") ? t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
                    : t.chars().allMatch(c -> Character.isDigit(c) || c == '.') && t.split("\\.", -1).length == 4);
            if (!looksLikeIp) return null;
            try {
                return InetAddress.getByName(t).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }
    }
}
