package dev.quarry.guardrails.pii;

import static dev.quarry.guardrails.pii.Tokens.END;

import dev.quarry.guardrails.detect.PatternDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Telephone numbers: international (+ or 00, a real country calling code, 8 to 15 digits), North
 * American (NANP: area code and exchange not starting with 0 or 1, not N11) and national numbers
 * with a trunk 0 (UK, France, Germany, the Netherlands...). A run of digits is a phone number
 * only in one of those groupings, so dates, times, prices, versions, card numbers and long ids are
 * left alone; digits run together, and seven-digit local numbers, count only after a word such
 * as "phone" or "call".
 */
final class Phones {
    static final String TYPE = "PHONE";

    /** Digits with separators and parentheses between them; {@link Written} decides the grouping. */
    private static final Pattern CANDIDATE = Pattern.compile("[+(\\d](?<![\\p{L}\\p{N}_+.\\-/(].)[\\d ().\\-/_\\t]{5,22}\\d" + END);
    private static final int LONGEST = 25;
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    /** Words that introduce a phone number; other detectors read them as "this number is a phone number". */
    static final ContextWords WORDS = ContextWords.of("phone", "tel", "telephone", "mobile", "mobil", "cell",
            "call", "ring", "text", "sms", "whatsapp", "signal", "fax", "contact", "reach", "ph", "(?-i:M)", "(?-i:T)", "numéro",
            "rufnummer", "telefon", "teléfono");
    /** Words that say a phone-shaped number is something else, unless a phone word comes closer. */
    private static final ContextWords OTHER_NUMBER_WORDS = ContextWords.of("order", "invoice", "sku", "part", "serial",
            "isbn", "ean", "upc", "tracking", "ref", "reference", "id", "account", "acct", "model", "build", "version", "ticket");
    /** NHS, SIN and SSN numbers can have a North American number's shape; a number dialled with 0 or + is never one of them. */
    private static final ContextWords NATIONAL_ID_WORDS = ContextWords.of("nhs", "(?-i:SIN)", "ssn", "social security", "routing");

    /** Two-digit calling codes; 1 and 7 are the one-digit ones. */
    private static final Set<String> TWO_DIGIT_CODES = Set.of("20", "27", "30", "31", "32", "33", "34", "36", "39", "40",
            "41", "43", "44", "45", "46", "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62",
            "63", "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98");
    /** The first two digits of the three-digit calling codes. */
    private static final Set<String> THREE_DIGIT_ZONES = Set.of("21", "22", "23", "24", "25", "26", "29", "35", "37", "38",
            "42", "50", "59", "67", "68", "69", "80", "85", "87", "88", "96", "97", "99");

    private Phones() {}

    static PatternDetector detector() {
        return RegexDetector.accepting(TYPE, CANDIDATE, ContextWords.WINDOW + LONGEST + 2, Phones::isPhone);
    }

    private static boolean isPhone(CharSequence text, MatchResult m) {
        // A space joins too: "0181 5908 3012" at the end of a card number is not a phone number.
        if (!Tokens.standsAlone(text, m.start(), m.end(), Tokens.DOT_DASH + " /")) return false;
        if (OTHER_NUMBER_WORDS.outweigh(WORDS, text, m.start())) return false;
        Written w = Written.parse(m.group());
        if (w == null || w.loose() && !WORDS.before(text, m.start())) return false;
        if (w.plus() || w.digits().startsWith("00")) return w.isInternational();
        boolean grouped = w.groups().size() > 1;
        if (w.isNanp()) {
            return !NATIONAL_ID_WORDS.outweigh(WORDS, text, m.start()) && (grouped || WORDS.before(text, m.start()));
        }
        if (w.isTrunkNational()) return grouped || WORDS.before(text, m.start());
        return w.isLocalNanp() && WORDS.before(text, m.start());
    }

    /**
     * A candidate split into its digit groups and the separators between them.
     *
     * @param paren the group written in parentheses, or -1
     * @param loose whether a separator is what tables and identifiers are written with rather
     *              than phone numbers (a run of spaces, a tab, an underscore): such a number is a
     *              phone number only after a phone word ("Scores 415   555   2671" is a table row)
     */
    record Written(boolean plus, List<String> groups, List<String> separators, int paren, boolean loose) {

        /**
         * Null unless every separator is a space, dot, dash, slash or underscore (spaces around
         * it, or a run of spaces or tabs, count as one), with at most one group in parentheses.
         */
        static Written parse(String s) {
            boolean plus = s.charAt(0) == '+';
            String body = plus ? s.substring(1) : s;
            if (!Character.isDigit(body.charAt(0)) && body.charAt(0) != '(') return null;
            int open = body.indexOf('(');
            int close = body.indexOf(')');
            if (open != body.lastIndexOf('(') || close != body.lastIndexOf(')') || (open < 0) != (close < 0)) return null;
            if (open >= 0 && (close < open + 2 || !DIGITS.matcher(body.substring(open + 1, close)).matches())) return null;
            List<String> groups = new ArrayList<>();
            List<String> separators = new ArrayList<>();
            int paren = -1;
            boolean loose = false;
            Matcher group = DIGITS.matcher(body);
            int last = 0;
            while (group.find()) {
                if (!groups.isEmpty()) {
                    String separator = body.substring(last, group.start());
                    String bare = separator.replace("(", "").replace(")", "");
                    boolean besideParen = bare.length() != separator.length();
                    String one = bare.isBlank() ? bare.isEmpty() ? "" : " " : bare.strip();
                    if (one.length() > 1 || (one.isEmpty() && !besideParen)) return null;
                    loose |= bare.isBlank() && bare.length() > 1 || bare.indexOf('\t') >= 0 || one.equals("_");
                    separators.add(one);
                }
                if (open >= 0 && group.start() == open + 1) paren = groups.size();
                groups.add(group.group());
                last = group.end();
            }
            return new Written(plus, groups, separators, paren, loose);
        }

        String digits() {
            return String.join("", groups);
        }

        boolean isInternational() {
            StringBuilder dialled = new StringBuilder();
            for (int i = 0; i < groups.size(); i++) {
                // The trunk 0 some write in brackets, "+44 (0)20 ...", is not dialled from abroad.
                if (i != paren || !groups.get(i).equals("0")) dialled.append(groups.get(i));
            }
            String digits = plus ? dialled.toString() : dialled.substring(2);
            if (digits.length() < 8 || digits.length() > 15) return false;
            if (digits.startsWith("1")) return nanpDigits(digits.substring(1));
            if (digits.startsWith("7")) return true;
            return TWO_DIGIT_CODES.contains(digits.substring(0, 2)) || THREE_DIGIT_ZONES.contains(digits.substring(0, 2));
        }

        /** (415) 555-2671, 415-555-2671, 415.555.2671, 415 555 2671, 1-800-555-0199, or ten digits run together. */
        boolean isNanp() {
            String digits = digits();
            if (digits.length() == 11 && digits.startsWith("1")) digits = digits.substring(1);
            if (digits.length() != 10 || !nanpDigits(digits)) return false;
            if (groups.size() == 1) return paren == -1;
            List<Integer> sizes = groups.stream().map(String::length).toList();
            int area = sizes.size() == 4 ? 1 : 0;
            if (!sizes.subList(area, sizes.size()).equals(List.of(3, 3, 4)) || (area == 1 && !groups.getFirst().equals("1"))) {
                return false;
            }
            return paren == -1 ? sameSeparators(0) : paren == area && sameSeparators(area + 1);
        }

        /** A seven-digit local number, 555-0123: a phone number only where the text says so. */
        boolean isLocalNanp() {
            return groups.size() == 2 && groups.get(0).length() == 3 && groups.get(1).length() == 4 && paren == -1
                    && (separators.getFirst().equals("-") || separators.getFirst().equals(".")) && isNanpCode(groups.getFirst());
        }

        /** A national number with its trunk 0: 020 7946 0958, 0161 496 0123, 07700 900123, 030 901820, 06 12 34 56 78. */
        boolean isTrunkNational() {
            String digits = digits();
            if (!digits.startsWith("0") || digits.startsWith("00") || digits.length() < 9 || digits.length() > 12) return false;
            if (groups.size() == 1) return paren == -1 && digits.length() >= 10;
            if (paren > 0 || groups.size() > 5 || !sameSeparators(paren == 0 ? 1 : 0)) return false;
            String first = groups.getFirst();
            if (first.length() < 2 || first.length() > 5) return false;
            if (groups.size() == 2) return groups.get(1).length() >= 6;
            // Nine digits in three or more groups is the shape of an SSN (078-05-1120), not of a national number.
            return digits.length() >= 10 && groups.stream().allMatch(g -> g.length() >= 2);
        }

        /** Whether the separators from index {@code from} on are all the same. */
        private boolean sameSeparators(int from) {
            return separators.subList(from, separators.size()).stream().distinct().count() <= 1;
        }

        private static boolean nanpDigits(String tenDigits) {
            return tenDigits.length() == 10 && isNanpCode(tenDigits.substring(0, 3)) && isNanpCode(tenDigits.substring(3, 6));
        }

        /** An area code or exchange: starts 2-9, and N11 is a service code (411, 911). */
        private static boolean isNanpCode(String code) {
            return code.charAt(0) >= '2' && !code.endsWith("11");
        }
    }
}
