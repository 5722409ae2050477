package dev.quarry.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.Usage;
import dev.quarry.guardrails.GuardrailSpec.Action;
import dev.quarry.guardrails.GuardrailSpec.PiiRule;
import dev.quarry.guardrails.GuardrailSpec.SensitiveInformation;
import dev.quarry.guardrails.GuardrailSpec.Source;
import dev.quarry.guardrails.detect.Confidence;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Any card number, SSN or e-mail address, disguised the ways an attacker can (digits of other
 * scripts, a different separator in every gap, invisible characters anywhere in it, full-width
 * letters and punctuation) and cut into stream deltas at random places (inside a character
 * written as two UTF-16 units too), is caught by the input guard and by the streaming output
 * guard, and none of it leaves either.
 */
class DisguisedPiiPropertiesTest {
    private static final String CARD = "CREDIT_DEBIT_CARD_NUMBER";
    private static final String SSN = "US_SOCIAL_SECURITY_NUMBER";
    private static final String EMAIL = "EMAIL";

    /** The zero of a run of ten decimal digits: ASCII, full-width, Arabic-Indic, Persian, Devanagari, Bengali, Thai, four mathematical styles. */
    private static final int[] ZEROS = {'0', 0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7F6};
    /**
     * Numerals that are not decimal digits, by their zero and their one (the one to nine follow
     * it): circled, negative circled, double circled (with the circled zero), parenthesised (the
     * same), full stop, "digit one comma".
     */
    private static final int[][] NUMERALS = {{0x24EA, 0x2460}, {0x24FF, 0x2776}, {0x24EA, 0x24F5}, {0x24EA, 0x2474},
            {0x1F100, 0x2488}, {0x1F101, 0x1F102}};
    /** Separators by what they read as: each of a kind is the same separator to a reader. */
    private static final String[] SPACES = {" ", "\u00A0", "\u202F", "\u2007", "\u2009", "\u3000"};
    private static final String[] DASHES = {"-", "\u2010", "\u2011", "\u2013", "\u2014", "\u2212", "\uFF0D"};
    private static final String[] DOTS = {".", "\uFF0E"};
    private static final String[][] SEPARATOR_KINDS = {SPACES, DASHES, DOTS, {"  "}, {"   "}, {" - "}, {"/"}};
    /** An SSN is not written with slashes: "123/45/6789" is no more an SSN than any other slashed numbers. */
    private static final int SSN_SEPARATOR_KINDS = SEPARATOR_KINDS.length - 1;
    private static final String[] INVISIBLES = {"\u200B", "\u200C", "\u200D", "\u2060", "\u00AD", "\uFEFF", "\u200E", "\u200F",
            "\u2066", "\u2069", "\u180E", "\uFE0F", "\u3164", "\uDB40\uDC20"};
    private static final String[] ATS = {"@", "\uFF20", "\uFE6B"};

    /**
     * A value as the attacker writes it, its type, and the words of it that must not leave (an
     * address's); no digit may leave at all, as the text around a value has none.
     */
    private record Disguised(String text, String type, List<String> words) {}

    private static Guard guard(Action action) {
        List<PiiRule> rules = List.of(new PiiRule(CARD, action, null, null), new PiiRule(SSN, action, null, null),
                new PiiRule(EMAIL, action, null, null));
        GuardrailSpec spec = new GuardrailSpec("disguised", null, new SensitiveInformation(rules, List.of(), GuardrailSpec.Placeholders.TYPE),
                List.of(), GuardrailSpec.Words.NONE, Confidence.NONE, "blocked in", "blocked out");
        return Guard.compile(new GuardrailRef("disguised", "1", false), spec, new Detectors(texts -> {
            throw new AssertionError("no semantic filter is configured");
        }));
    }

    @Property(tries = 400)
    void aDisguisedValueIsCaughtOnInputAndNoneOfItPasses(@ForAll Random random) {
        Disguised value = disguised(random);
        Guard guard = guard(random.nextBoolean() ? Action.ANONYMIZE : Action.BLOCK);
        String prompt = "Here it is: " + value.text() + " — keep it safe.";
        Verdict verdict = guard.checkUserTexts(Source.INPUT, List.of(prompt), guard.placeholders());
        assertThat(types(verdict.assessment())).as(prompt).contains(value.type());
        assertThat(verdict.outputs()).singleElement().satisfies(passed -> assertHolds(passed, value));
    }

    @Property(tries = 400)
    void aDisguisedValueCutIntoDeltasIsCaughtAndNoneOfItLeavesTheStream(@ForAll Random random) {
        Disguised value = disguised(random);
        Guard guard = guard(random.nextBoolean() ? Action.ANONYMIZE : Action.BLOCK);
        String answer = "Sure. The one on file is " + value.text() + " as you asked, and nothing else is on the account.";
        GuardRecord record = new GuardRecord(guard.ref(), (source, assessment) -> { });
        StringBuilder released = new StringBuilder();
        try (GuardedStream stream = new GuardedStream(EventStream.of(events(cut(answer, random))), guard, false, guard.placeholders(), record,
                () -> 0)) {
            stream.forEachRemaining(e -> {
                if (e instanceof StreamEvent.TextDelta t) released.append(t.text());
            });
        }
        assertThat(types(record.output())).as(answer).contains(value.type());
        assertHolds(released.toString(), value);
    }

    /**
     * Nothing of the value in what passed: no digit of any script, and none of the address's
     * words once compatibility forms are undone and the invisible characters taken out (read
     * here with the JDK alone, not with the guard's own reading).
     */
    private static void assertHolds(String passed, Disguised value) {
        assertThat(passed.codePoints().filter(DisguisedPiiPropertiesTest::isNumeral).count()).as("digits in " + passed).isZero();
        String read = Normalizer.normalize(passed, Normalizer.Form.NFKC).replaceAll("[\\p{Cf}\\x{1160}\\x{FE00}-\\x{FE0F}]", "")
                .toLowerCase(Locale.ROOT);
        for (String word : value.words()) assertThat(read).as(passed).doesNotContain(word);
    }

    private static Disguised disguised(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> card(random);
            case 1 -> ssn(random);
            default -> email(random);
        };
    }

    private static Disguised card(Random random) {
        StringBuilder body = new StringBuilder(random.nextBoolean() ? "4" : "5" + (1 + random.nextInt(5)));
        while (body.length() < 15) body.append(random.nextInt(10));
        String digits = withLuhnDigit(body.toString());
        boolean together = random.nextInt(4) == 0;
        StringBuilder text = new StringBuilder();
        for (int group = 0; group < 4; group++) {
            if (group > 0 && !together) text.append(anySeparator(random));
            text.append(inScripts(digits.substring(4 * group, 4 * group + 4), random));
        }
        return new Disguised(withInvisibles(text.toString(), random), CARD, List.of());
    }

    private static Disguised ssn(Random random) {
        int area = 1 + random.nextInt(898);
        if (area == 666) area = 667;
        String digits = "%03d%02d%04d".formatted(area, 1 + random.nextInt(99), 1 + random.nextInt(9999));
        // One separator throughout, as an SSN is written (or none); it may look different in each gap.
        String[] kind = random.nextInt(SSN_SEPARATOR_KINDS + 1) == 0 ? new String[] {""} : SEPARATOR_KINDS[random.nextInt(SSN_SEPARATOR_KINDS)];
        String text = "SSN " + inScripts(digits.substring(0, 3), random) + pick(kind, random) + inScripts(digits.substring(3, 5), random)
                + pick(kind, random) + inScripts(digits.substring(5), random);
        return new Disguised(withInvisibles(text, random), SSN, List.of());
    }

    private static Disguised email(Random random) {
        // Long enough that the words around the value cannot hold them by chance.
        String local = word(random, 6 + random.nextInt(6));
        String domain = word(random, 6 + random.nextInt(6));
        String tld = List.of("com", "org", "net", "io").get(random.nextInt(4));
        String plain = local + pick(ATS, random) + domain + pick(DOTS, random) + tld;
        StringBuilder text = new StringBuilder();
        // Full-width letters are another alphabet for the same address.
        plain.codePoints().forEach(c -> text.appendCodePoint(c >= 'a' && c <= 'z' && random.nextInt(3) == 0 ? c - 'a' + 0xFF41 : c));
        return new Disguised(withInvisibles(text.toString(), random), EMAIL, List.of(local, domain));
    }

    private static String anySeparator(Random random) {
        return pick(SEPARATOR_KINDS[random.nextInt(SEPARATOR_KINDS.length)], random);
    }

    private static String inScripts(String digits, Random random) {
        StringBuilder out = new StringBuilder();
        for (char d : digits.toCharArray()) {
            int digit = d - '0';
            int script = random.nextInt(ZEROS.length + NUMERALS.length);
            if (script < ZEROS.length) {
                out.appendCodePoint(ZEROS[script] + digit);
            } else {
                int[] numerals = NUMERALS[script - ZEROS.length];
                out.appendCodePoint(digit == 0 ? numerals[0] : numerals[1] + digit - 1);
            }
        }
        return out.toString();
    }

    /** A digit of any script, or a numeral that stands for one (Character.isDigit sees only the decimal digits). */
    private static boolean isNumeral(int cp) {
        int value = Character.getNumericValue(cp);
        return Character.isDigit(cp) || Character.getType(cp) == Character.OTHER_NUMBER && value >= 0 && value <= 9;
    }

    /** Up to four invisible characters between any two characters of the value (never inside one written as two units). */
    private static String withInvisibles(String text, Random random) {
        List<String> characters = new ArrayList<>(text.codePoints().mapToObj(Character::toString).toList());
        for (int n = random.nextInt(5); n > 0; n--) characters.add(1 + random.nextInt(characters.size() - 1), pick(INVISIBLES, random));
        return String.join("", characters);
    }

    private static String word(Random random, int length) {
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < length; i++) word.append((char) ('a' + random.nextInt(26)));
        return word.toString();
    }

    private static String pick(String[] options, Random random) {
        return options[random.nextInt(options.length)];
    }

    private static String withLuhnDigit(String body) {
        for (char c = '0'; c <= '9'; c++) {
            int sum = 0;
            String number = body + c;
            for (int i = 0; i < number.length(); i++) {
                int d = number.charAt(number.length() - 1 - i) - '0';
                sum += i % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
            }
            if (sum % 10 == 0) return number;
        }
        throw new AssertionError("no Luhn digit for " + body);
    }

    private static List<String> cut(String text, Random random) {
        TreeSet<Integer> at = new TreeSet<>();
        for (int n = 1 + random.nextInt(8); n > 0; n--) at.add(1 + random.nextInt(text.length() - 1));
        List<String> deltas = new ArrayList<>();
        int from = 0;
        for (int i : at) {
            deltas.add(text.substring(from, i));
            from = i;
        }
        deltas.add(text.substring(from));
        return deltas;
    }

    private static List<StreamEvent> events(List<String> deltas) {
        List<StreamEvent> events = new ArrayList<>();
        events.add(new StreamEvent.MessageStart("m1", "stub"));
        events.add(new StreamEvent.BlockStart(0, new ContentBlock.Text("")));
        for (String delta : deltas) events.add(new StreamEvent.TextDelta(0, delta));
        events.add(new StreamEvent.BlockStop(0));
        events.add(new StreamEvent.UsageReport(new Usage(12, 30, 0, 0)));
        events.add(new StreamEvent.MessageStop(StopReason.END_TURN));
        return events;
    }

    private static Set<String> types(Assessment assessment) {
        Set<String> types = new TreeSet<>();
        for (Finding f : assessment.findings()) if (f instanceof Finding.Pii pii) types.add(pii.type());
        return types;
    }
}
