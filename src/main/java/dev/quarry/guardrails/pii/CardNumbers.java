package dev.quarry.guardrails.pii;

import static dev.quarry.guardrails.pii.Tokens.END;
import static dev.quarry.guardrails.pii.Tokens.STARTS;

import dev.quarry.guardrails.detect.PatternDetector;
import dev.quarry.guardrails.pii.RegexDetector.Span;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/** Payment card numbers, and the CVV and expiry date written next to them. */
final class CardNumbers {
    static final String NUMBER = "CREDIT_DEBIT_CARD_NUMBER";
    static final String CVV = "CREDIT_DEBIT_CARD_CVV";
    static final String EXPIRY = "CREDIT_DEBIT_CARD_EXPIRY";

    /**
     * What people write between the groups of a card number: one to three spaces, or a dot, dash
     * or slash with or without a space on either side. The separators of one number may differ
     * ("4111 1111-1111.1111"): the network prefix and the Luhn check, not the typing, make a card
     * number.
     */
    private static final String SEPARATOR = "(?: {1,3}| ?[./-] ?)";
    /**
     * The ways card numbers are written: 4-4-4-4 (and a 3 more for 19 digits), Amex 4-6-5 and
     * Diners 4-6-4, or the digits run together.
     */
    private static final Pattern NUMBER_SHAPES = Pattern.compile("\\d" + STARTS
            + "(?:\\d{3}(?:" + SEPARATOR + "\\d{4}){3}(?:" + SEPARATOR + "\\d{3})?"
            + "|\\d{3}" + SEPARATOR + "\\d{6}" + SEPARATOR + "\\d{4,5}"
            + "|\\d{12,18})" + END);
    private static final int LONGEST_NUMBER = 19 + 4 * 3;
    /**
     * After a card word, any number: its digits are read across whatever short {@link Tokens#GAP}s
     * separate them ("4539\t1488\t0343\t6467", "45 39 14 88 ...", "4539|1488|0343|6467"), and
     * the network prefix and the Luhn check, not the grouping, decide.
     */
    private static final Pattern NUMBER_START = Pattern.compile("\\d" + STARTS);
    private static final int SHORTEST_DIGITS = 13;
    private static final int MOST_DIGITS = 19;
    private static final int LONGEST_GAPPED = MOST_DIGITS * 7;

    private static final ContextWords CARD_WORDS = ContextWords.of("card", "visa", "mastercard", "amex", "discover", "jcb",
            "diners", "maestro", "unionpay", "credit", "debit", "cc", "pan", "cvv", "cvc", "pay", "paid", "payment", "charged?",
            "billing");
    /**
     * Words that say a long number is some other identifier. They decide only for digits read
     * across odd gaps after a card word ({@link #namedCard}), where the grouping says nothing; a
     * number written the way cards are, with a network's prefix and length and a valid Luhn
     * digit, is a card whatever word comes before it: "ticket 4539 1488 0343 6467" is how a card
     * gets pasted into a support ticket, and only one order number in ten that has a card's
     * prefix and length passes Luhn, so the word would hide far more cards than it spares.
     */
    private static final ContextWords OTHER_NUMBER_WORDS = ContextWords.of("order", "invoice", "tracking", "shipment",
            "parcel", "ref", "reference", "transaction", "txn", "imei", "isbn", "ean", "upc", "sku", "serial", "ticket",
            "confirmation");

    /**
     * Words for a product code (EAN-13, GTIN-14, ISBN-13): 13 or 14 digits with a check digit of
     * their own, so a number named as one and valid as one is that, not a Visa-13 or a Diners-14
     * (German EANs start 400-440; one in ten also passes Luhn). Unlike an order or ticket
     * number's word, the word alone decides nothing: the number must pass the product code's
     * check, and no 15-19 digit card is one.
     */
    private static final ContextWords PRODUCT_CODE_WORDS = ContextWords.of("ean(?:-?13)?", "gtin(?:-?1[34])?", "isbn(?:-?13)?",
            "barcode", "bar code");

    private static final Pattern CVV_SHAPE = Pattern.compile("\\d" + STARTS + "\\d{2,3}" + END);
    private static final ContextWords CVV_WORDS = ContextWords.of("cvv2?", "cvc2?", "cv2", "csc", "security code",
            "card verification(?: value| code)?", "card code", "(?:code|digits|number) on the back", "back of the card",
            "(?:karten)?prüfnummer", "sicherheitscode", "cryptogramme", "code de sécurité", "código de seguridad",
            "codice di sicurezza");

    private static final Pattern EXPIRY_SHAPE = Pattern.compile("(?<month>\\d" + STARTS + "\\d?)"
            + "[ \\t]?[/-][ \\t]?(?<year>20\\d{2}|\\d{2})" + END);
    /** The labels printed on cards and payment forms. */
    private static final ContextWords CARD_EXPIRY_WORDS = ContextWords.of("exp\\.?", "expiry", "exp\\.? date", "expiry date",
            "valid (?:thru|through)", "good (?:thru|through)", "mm/yy", "gültig bis", "date d'expiration", "fecha de vencimiento",
            "vencimiento", "scadenza");
    /**
     * Words any deadline is written with: after them "12/31" is as likely the 31st of December
     * as a card's month and year, so they count only for an unambiguous year or near a card.
     */
    private static final ContextWords DEADLINE_WORDS = ContextWords.of("expires", "expiring", "expiration(?: date)?",
            "valid (?:until|to)");
    private static final ContextWords CARD_NEARBY = CARD_WORDS.within(2 * ContextWords.WINDOW);
    /** Payment APIs' JSON: {@code "exp_month": 12, "exp_year": 2027}; the value runs from the month to the year. */
    private static final String MONTH_OR_YEAR_KEY = "[\"']?exp(?:iry|iration)?[_ ]?%s[\"']?[ \\t]*[:=][ \\t]*[\"']?";
    private static final Pattern EXPIRY_FIELDS = Pattern.compile("(?=[\"'e])(?<![\\p{L}\\p{N}])"
            + MONTH_OR_YEAR_KEY.formatted("month")
            + "(?<v>(?:0?[1-9]|1[0-2])[\"']?[ \\t]*,[ \\t]*" + MONTH_OR_YEAR_KEY.formatted("year") + "(?:20)?\\d{2})" + END,
            Pattern.CASE_INSENSITIVE);
    /** A slash joins too: "03/27" in "03/27/2024" is part of a date. */
    private static final String DATE_JOINERS = "./-";

    private CardNumbers() {}

    /**
     * Card numbers in the ways they are written, and after a card word in any way at all: without
     * the word, digits across tabs, pipes or commas are as often a table of numbers.
     */
    static PatternDetector number() {
        return AnyOf.of(NUMBER,
                RegexDetector.accepting(NUMBER, NUMBER_SHAPES, ContextWords.WINDOW + LONGEST_NUMBER + 2, CardNumbers::isCard),
                new RegexDetector(NUMBER, NUMBER_START, ContextWords.WINDOW + LONGEST_GAPPED + 2, CardNumbers::namedCard));
    }

    static PatternDetector cvv() {
        return RegexDetector.accepting(CVV, CVV_SHAPE, ContextWords.WINDOW + 4 + 2,
                (text, m) -> Tokens.standsAlone(text, m.start(), m.end(), DATE_JOINERS) && CVV_WORDS.before(text, m.start()));
    }

    static PatternDetector expiry() {
        return AnyOf.of(EXPIRY,
                // A card may be named after the date as well as before it.
                RegexDetector.accepting(EXPIRY, EXPIRY_SHAPE, CARD_NEARBY.window() + 9 + CARD_NEARBY.window(), CardNumbers::isExpiry),
                RegexDetector.every(EXPIRY, EXPIRY_FIELDS, 80));
    }

    private static boolean isExpiry(CharSequence text, MatchResult m) {
        int month = Integer.parseInt(m.group("month"));
        if (month < 1 || month > 12 || !Tokens.standsAlone(text, m.start(), m.end(), DATE_JOINERS)) return false;
        if (CARD_EXPIRY_WORDS.before(text, m.start())) return true;
        String year = m.group("year");
        boolean unambiguous = year.length() == 4 || Integer.parseInt(year) > 31;
        return DEADLINE_WORDS.before(text, m.start()) && (unambiguous || CARD_NEARBY.around(text, m.start(), m.end()));
    }

    private static boolean isCard(CharSequence text, MatchResult m) {
        String number = m.group();
        // What separates its groups also glues it to a number beside it: "12 4111 1111 1111 1111" is no card.
        String joiners = Tokens.DOT_DASH + (number.indexOf(' ') >= 0 ? " " : "") + (number.indexOf('/') >= 0 ? "/" : "");
        String digits = Tokens.digits(number);
        return Tokens.standsAlone(text, m.start(), m.end(), joiners) && isCardNumber(digits) && !isNamedProductCode(text, m.start(), digits);
    }

    private static boolean isNamedProductCode(CharSequence text, int start, String digits) {
        return (digits.length() == 13 || digits.length() == 14) && Checksums.gtin(digits) && PRODUCT_CODE_WORDS.outweigh(CARD_WORDS, text, start);
    }

    /**
     * The card number that starts at this number after a card word: the longest run of its
     * digit groups, read across gaps, that is one (a run may go on into the next number: "card
     * 4539 1488 0343 6467, 12 items").
     */
    private static Span namedCard(CharSequence text, MatchResult m) {
        StringBuilder digits = new StringBuilder(MOST_DIGITS + 4);
        int end = -1;
        int i = m.start();
        while (i >= 0 && digits.length() <= MOST_DIGITS) {
            while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') digits.append(text.charAt(i++));
            boolean endsWord = i == text.length() || !Character.isLetter(text.charAt(i));
            if (endsWord && digits.length() >= SHORTEST_DIGITS && digits.length() <= MOST_DIGITS && isCardNumber(digits.toString())) {
                end = i;
            }
            i = Tokens.afterGap(text, i);
        }
        if (end < 0) return null;
        // Named by a card word, and no other number's word closer.
        int cardWord = CARD_WORDS.nearest(text, m.start());
        return cardWord >= 0 && OTHER_NUMBER_WORDS.nearest(text, m.start()) < cardWord ? new Span(m.start(), end) : null;
    }

    private static boolean isCardNumber(String digits) {
        return CardNetwork.of(digits).isPresent() && Checksums.luhn(digits);
    }
}
