package dev.quarry.guardrails.pii;

import static dev.quarry.guardrails.pii.Tokens.END;
import static dev.quarry.guardrails.pii.Tokens.STARTS;

import dev.quarry.guardrails.detect.Detection;
import dev.quarry.guardrails.detect.NormalisedText;
import dev.quarry.guardrails.detect.PatternDetector;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * Numbers governments issue to people: US SSN and ITIN, Canadian SIN, UK NHS, National
 * Insurance and UTR numbers, US passport and driver's licence numbers. A number written in its
 * usual groups ("512-44-8723", "512 44 8723") stands on its shape and check; after a word naming
 * it, it may be grouped with any short separator ("SSN 512\t44\t8723", "SSN 512-44.8723") or
 * none, as a reader still sees the number the word names; without one, other separators are
 * other numbers ("Release 536.22.1847", a table row "536   22   1847").
 */
final class GovernmentIds {
    static final String SSN = "US_SOCIAL_SECURITY_NUMBER";
    static final String ITIN = "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER";
    static final String SIN = "CA_SOCIAL_INSURANCE_NUMBER";
    static final String NHS = "UK_NATIONAL_HEALTH_SERVICE_NUMBER";
    static final String NINO = "UK_NATIONAL_INSURANCE_NUMBER";
    static final String UTR = "UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER";
    static final String PASSPORT = "US_PASSPORT_NUMBER";
    static final String DRIVER_ID = "DRIVER_ID";

    private static final Pattern THREE_TWO_FOUR = Pattern.compile(Tokens.grouped(3, 2, 4));
    private static final Pattern THREE_THREE_THREE = Pattern.compile(Tokens.grouped(3, 3, 3));
    private static final Pattern THREE_THREE_FOUR = Pattern.compile(Tokens.grouped(3, 3, 4));
    private static final int GROUPED_SPAN = ContextWords.WINDOW + 10 + 3 * 6 + 2;

    private static final ContextWords SSN_WORDS = ContextWords.of("ssn", "ss#", "social security(?: number| no\\.?| #)?",
            "soc\\.? sec\\.?", "social(?![ \\t]+(?:insurance|media|network))");
    /** Numbers printed everywhere though never issued: the Woolworth wallet card, the 1960s ad card, the textbook example. */
    private static final Set<String> PUBLICISED_SSNS = Set.of("078051120", "219099999", "123456789");
    private static final ContextWords ITIN_WORDS = ContextWords.of("itin", "individual taxpayer identification(?: number)?",
            "taxpayer identification(?: number)?");
    private static final ContextWords SIN_WORDS = ContextWords.of("(?-i:SIN)", "social insurance(?: number| no\\.?)?",
            "(?-i:NAS)", "num[ée]ro d'assurance sociale", "assurance sociale");
    private static final ContextWords NHS_WORDS = ContextWords.of("nhs(?: number| no\\.?| #)?");

    /** Two letters, three pairs of digits and A-D; the letters are checked by the judge, as a plain class scans faster. */
    private static final Pattern NINO_SHAPE = Pattern.compile("(?<prefix>[A-Za-z]{2})(?= ?\\d)" + Tokens.startedBefore(2)
            + "(?<sep> ?)\\d{2}\\k<sep>\\d{2}\\k<sep>\\d{2}\\k<sep>[A-Da-d]" + END);
    /** HMRC never uses D, F, I, Q, U or V in a prefix, nor O second, nor these pairs (GB, NK, TN and ZZ are administrative). */
    private static final Pattern NINO_PREFIX = Pattern.compile("(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]");

    private static final Pattern UTR_SHAPE = Pattern.compile("[Kk\\d]" + STARTS + "\\d{4,5} ?\\d{5}[Kk]?" + END);
    private static final ContextWords UTR_WORDS = ContextWords.of("utr", "unique tax(?:payer)? reference(?: number)?");

    private static final Pattern PASSPORT_SHAPE = Pattern.compile("[A-Z\\d]" + STARTS + "\\d{8}" + END);
    private static final ContextWords PASSPORT_WORDS = ContextWords.of("passport(?: number| no\\.?| #)?");

    /**
     * Licence numbers differ by state and country (D4829175, 123456789, MORGA753116SM9IJ), so the
     * value must follow the label itself, not just be near it.
     */
    private static final Pattern DRIVER_ID_LABELLED = Pattern.compile("(?=d)(?<![\\p{L}])"
            + "(?:driver(?:'s|’s|s)?[ \\t]+licen[cs]e|driving[ \\t]+licen[cs]e|(?-i:DL))"
            + "(?:[ \\t]*(?:number|no\\.?|num|#|id))?(?:[ \\t]*[:=#][ \\t]*|[ \\t]+(?:is[ \\t]+|was[ \\t]+)?)"
            + "(?<v>[A-Za-z0-9][A-Za-z0-9-]{4,22}[A-Za-z0-9])" + END, Pattern.CASE_INSENSITIVE);
    private static final int LONGEST_DRIVER_LABEL = 40;
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{1,2}-\\d{1,2}|\\d{1,2}-\\d{1,2}-\\d{2,4}");

    private GovernmentIds() {}

    static PatternDetector ssn() {
        return grouped(SSN, THREE_TWO_FOUR, GovernmentIds::validSsn, SSN_WORDS, GovernmentIds::spaceOrDash);
    }

    static PatternDetector itin() {
        return grouped(ITIN, THREE_TWO_FOUR, GovernmentIds::validItin, ITIN_WORDS, GovernmentIds::spaceOrDash);
    }

    /**
     * Dots between groups of three are thousands separators in much of Europe, and so are no-break
     * spaces in French ("130\u202F692\u202F544 €"): such a number is a SIN only where a word says so.
     */
    static PatternDetector sin() {
        // First digit 0 is for fictitious numbers, 8 is unused.
        return new ThousandsSpaced(grouped(SIN, THREE_THREE_THREE, d -> d.charAt(0) != '0' && d.charAt(0) != '8' && Checksums.luhn(d),
                SIN_WORDS, GovernmentIds::spaceOrDash), SIN_WORDS);
    }

    /**
     * A detector of numbers in groups of three that drops those written with no-break spaces
     * between the groups unless {@code words} name them: the reading makes every space a space,
     * so this looks at the characters as written.
     */
    private record ThousandsSpaced(PatternDetector detector, ContextWords words) implements PatternDetector {
        @Override
        public String type() {
            return detector.type();
        }

        @Override
        public int maxSpan() {
            return detector.maxSpan();
        }

        @Override
        public List<Detection> find(CharSequence text) {
            return detector.find(text);
        }

        @Override
        public List<Detection> findInReading(NormalisedText text) {
            return detector.find(text.text()).stream()
                    .filter(d -> words.before(text.text(), d.start()) || !noBreakSpaced(text, d))
                    .toList();
        }

        private static boolean noBreakSpaced(NormalisedText text, Detection d) {
            for (int i = d.start(); i < d.end(); i++) {
                char written = text.original().charAt(text.originalIndex(i));
                if (written == '\u00A0' || written == '\u202F') return true;
            }
            return false;
        }
    }

    /**
     * NHS numbers are written 3 3 4 with spaces; so are some phone numbers, so a spaced number
     * counts without "NHS" only if no phone word comes before it, and any other form needs "NHS".
     */
    static PatternDetector nhs() {
        return grouped(NHS, THREE_THREE_FOUR, Checksums::nhs, NHS_WORDS,
                (text, m) -> m.group("sep").equals(" ") && !Phones.WORDS.before(text, m.start()));
    }

    static PatternDetector nino() {
        return RegexDetector.accepting(NINO, NINO_SHAPE, 13 + 2,
                (text, m) -> NINO_PREFIX.matcher(m.group("prefix").toUpperCase(Locale.ROOT)).matches());
    }

    /** A UTR is ten digits like many references; it counts only after "UTR", and its check digit must hold. */
    static PatternDetector utr() {
        return RegexDetector.accepting(UTR, UTR_SHAPE, ContextWords.WINDOW + 13 + 2,
                (text, m) -> {
                    String digits = Tokens.digits(m.group());
                    return digits.length() == 10 && Checksums.utr(digits) && UTR_WORDS.before(text, m.start());
                });
    }

    static PatternDetector passport() {
        return RegexDetector.accepting(PASSPORT, PASSPORT_SHAPE, ContextWords.WINDOW + 9 + 2,
                (text, m) -> PASSPORT_WORDS.before(text, m.start()));
    }

    static PatternDetector driverId() {
        return RegexDetector.accepting(DRIVER_ID, DRIVER_ID_LABELLED, LONGEST_DRIVER_LABEL + 24 + 2, (text, m) -> {
            String value = m.group("v");
            return Tokens.digits(value).length() >= 2 && !DATE.matcher(value).matches();
        });
    }

    /**
     * A detector for a number of three fixed groups: it must pass {@code valid}, and follow one of
     * {@code words} (then any separators do, or none) or be {@code shapely} without them.
     */
    private static PatternDetector grouped(String type, Pattern shape, Predicate<String> valid, ContextWords words,
                                           BiPredicate<CharSequence, MatchResult> shapely) {
        return RegexDetector.accepting(type, shape, GROUPED_SPAN, (text, m) -> {
            String first = m.group("sep");
            if (first.isEmpty() != m.group(Tokens.separatorGroup(2)).isEmpty()) return false;
            return Tokens.standsAlone(text, m.start(), m.end(), Tokens.DOT_DASH + first)
                    && valid.test(Tokens.digits(m.group()))
                    && (words.before(text, m.start()) || shapely.test(text, m));
        });
    }

    /**
     * The shape a number has without a word naming it: one space or one dash, the same twice. Run
     * together, nine digits are a number like any other; "536.22.1847" is a version, "536 - 22 -
     * 1847" and "536   22   1847" are ranges and table columns.
     */
    private static boolean spaceOrDash(CharSequence text, MatchResult m) {
        String sep = m.group("sep");
        return (sep.equals(" ") || sep.equals("-")) && sep.equals(m.group(Tokens.separatorGroup(2)));
    }

    /** Area 001-899 but not 666, group 01-99, serial 0001-9999. */
    private static boolean validSsn(String d) {
        int area = Integer.parseInt(d, 0, 3, 10);
        return area != 0 && area != 666 && area < 900 && !d.startsWith("00", 3) && !d.startsWith("0000", 5)
                && !PUBLICISED_SSNS.contains(d);
    }

    /** 9XX, then a group in 50-65, 70-88, 90-92 or 94-99. */
    private static boolean validItin(String d) {
        int group = Integer.parseInt(d, 3, 5, 10);
        return d.charAt(0) == '9'
                && (group >= 50 && group <= 65 || group >= 70 && group <= 88 || group >= 90 && group <= 92 || group >= 94);
    }
}
