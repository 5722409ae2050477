package dev.quarry.guardrails.pii;

import static dev.quarry.guardrails.pii.Tokens.END;
import static dev.quarry.guardrails.pii.Tokens.STARTS;

import dev.quarry.guardrails.detect.PatternDetector;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/** US routing and account numbers and SWIFT/BIC codes (IBANs are {@link Iban}). */
final class BankIds {
    static final String ROUTING = "US_BANK_ROUTING_NUMBER";
    static final String ACCOUNT = "US_BANK_ACCOUNT_NUMBER";
    static final String SWIFT = "SWIFT_CODE";

    private static final Pattern NINE_DIGITS = Pattern.compile("\\d" + STARTS + "\\d{8}" + END);
    private static final ContextWords ROUTING_WORDS = ContextWords.of("routing(?: number| no\\.?| #)?", "(?-i:ABA)", "(?-i:RTN)");

    private static final Pattern ACCOUNT_DIGITS = Pattern.compile("\\d" + STARTS + "\\d{5,16}" + END);
    private static final ContextWords ACCOUNT_WORDS = ContextWords.of("account", "acct", "a/c", "checking", "chequing", "savings");
    /** Accounts that are not at a bank: "AWS account 123456789012", "customer account". */
    private static final ContextWords NOT_BANK_WORDS = ContextWords.of("aws", "amazon", "azure", "gcp", "google", "cloud",
            "account id", "customer", "user", "member", "loyalty");

    private static final Pattern SWIFT_SHAPE = Pattern.compile("[A-Z]" + STARTS
            + "[A-Z]{3}(?<country>[A-Z]{2})(?<location>[A-Z0-9]{2})(?<branch>[A-Z0-9]{3})?" + END);
    /** "SWIFT" in capitals or "swift code"; "Swift" alone is as often the programming language. */
    private static final ContextWords SWIFT_WORDS = ContextWords.of("(?-i:SWIFT)",
            "swift[ \\t]*(?:/[ \\t]*bic|code|number|no\\.?|#)", "bic", "bank identifier code");

    private BankIds() {}

    static PatternDetector routing() {
        return RegexDetector.accepting(ROUTING, NINE_DIGITS, ContextWords.WINDOW + 9 + 2,
                (text, m) -> isRoutingNumber(m.group()) && ROUTING_WORDS.before(text, m.start()));
    }

    static PatternDetector account() {
        return RegexDetector.accepting(ACCOUNT, ACCOUNT_DIGITS, ContextWords.WINDOW + 17 + 2,
                (text, m) -> Tokens.standsAlone(text, m.start(), m.end(), Tokens.DOT_DASH)
                        && ACCOUNT_WORDS.before(text, m.start()) && !NOT_BANK_WORDS.before(text, m.start()));
    }

    static PatternDetector swift() {
        return RegexDetector.accepting(SWIFT, SWIFT_SHAPE, ContextWords.WINDOW + 11 + 2, BankIds::isSwift);
    }

    /**
     * The first two digits name a Federal Reserve district (01-12), a thrift (21-32), an
     * electronic transfer (61-72) or traveller's cheques (80); and the ABA checksum holds.
     */
    private static boolean isRoutingNumber(String d) {
        int prefix = Integer.parseInt(d, 0, 2, 10);
        boolean district = prefix <= 12 || prefix >= 21 && prefix <= 32 || prefix >= 61 && prefix <= 72 || prefix == 80;
        return district && Checksums.aba(d);
    }

    /**
     * A real country in the middle, and then one sign that it is a code and not a word in
     * capitals (DEUTSCHLAND has the shape): the word SWIFT or BIC before it, a digit in the
     * location or branch, or the head-office branch XXX.
     */
    private static boolean isSwift(CharSequence text, MatchResult m) {
        if (!Countries.ISO_CODES.contains(m.group("country"))) return false;
        String tail = m.group("location") + (m.group("branch") == null ? "" : m.group("branch"));
        return SWIFT_WORDS.before(text, m.start()) || tail.chars().anyMatch(Character::isDigit)
                || "XXX".equals(m.group("branch"));
    }
}
