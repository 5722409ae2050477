package dev.quarry.guardrails.pii;

import static dev.quarry.guardrails.pii.Tokens.END;
import static dev.quarry.guardrails.pii.Tokens.STARTS;

import dev.quarry.guardrails.detect.PatternDetector;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A person's age and date of birth. A number or a date is PII here only through what the words
 * around it say: "I am 34", "aged 45", "a 67-year-old man", "my son (12)", "born on 12 March
 * 1985", "DOB".
 */
final class PersonalFacts {
    static final String AGE = "AGE";
    static final String DATE_OF_BIRTH = "DATE_OF_BIRTH";

    /**
     * A number of one to three digits: every age form is found from its number, which prose has
     * few of, and the words around it decide.
     */
    private static final Pattern NUMBER = Pattern.compile("\\d" + STARTS + "\\d{0,2}(?!\\d)");
    /** "age: 29", "aged 45", "age of 34", "\"age\":31"; "max-age=60" is a cache header. */
    private static final ContextWords AGE_LABELS = ContextWords.of("(?<!-)aged?")
            .separatedBy("[\"']?(?:[ \\t]*[:=][ \\t]*|[ \\t]+(?:is[ \\t]+|of[ \\t]+)?)");
    /** "She turned 40", "turning 50 next week". */
    private static final ContextWords TURNED = ContextWords.of("turned", "turning").separatedBy("[ \\t]+");
    /** "I am 34", "she's 40": an age when what follows ends the clause or says years. */
    private static final ContextWords STATED = ContextWords.of("i[ \\t]+am", "i['’]?m", "(?:he|she)[ \\t]+is", "(?:he|she)['’]s")
            .separatedBy("[ \\t]+");
    private static final Pattern FOLLOWS_AS_AGE = Pattern.compile("[ \\t-]*(?:years?|yrs?)(?:[ \\t-]*old|[ \\t]+of[ \\t]+age)?(?![\\p{L}])"
            + "|[ \\t]*(?:yo|y/o|y\\.o\\.)(?![\\p{L}])|[ \\t]*(?:[,.;!?)]|$)|[ \\t]+(?:and|but)[ \\t]", Pattern.CASE_INSENSITIVE);
    /** "7 years old", "67-year-old", "45 y/o", "45yo". */
    private static final Pattern YEARS_OLD = Pattern.compile("(?:[ \\t-]*(?:years?|yrs?)[ \\t-]*old|[ \\t]*(?:yo|y/o|y\\.o\\.))"
            + "(?![\\p{L}\\p{N}])", Pattern.CASE_INSENSITIVE);
    /** A number followed by a unit other than years is not an age: "aged 24 months", "I'm 5 minutes away". */
    private static final Pattern FOLLOWS_AS_QUANTITY = Pattern.compile("[ \\t-]*(?:%|percent|months?|weeks?|days?|hours?|hrs?"
            + "|minutes?|mins?|seconds?|secs?|ms|kg|lbs?|cm|feet|foot|ft|inch(?:es)?|km|miles?|times|points?|pages?)(?![\\p{L}])"
            + "|[ \\t]*[-–][ \\t]*\\d", Pattern.CASE_INSENSITIVE);
    private static final Pattern PERSON_AFTER = Pattern.compile("[ \\t]+(?:man|woman|male|female|boy|girl|patient|child|kid"
            + "|son|daughter|mother|father|person|adult|teen|teenager|baby|lady|gentleman|guy)(?![\\p{L}])", Pattern.CASE_INSENSITIVE);
    /** Words before "N years old" or "(N)" that make it a person's age and not a house's. */
    private static final ContextWords PERSON_BEFORE = ContextWords.of("i", "i'm", "i’m", "im", "me", "he", "she", "son",
            "daughter", "child", "kid", "baby", "boy", "girl", "brother", "sister", "wife", "husband", "partner", "mother",
            "father", "mom", "mum", "dad", "grandmother", "grandfather", "patient", "friend", "man", "woman");
    /** "my son (12)", "my wife (34) and I (36)": the age in brackets right after the person. */
    private static final Pattern AGE_IN_BRACKETS = Pattern.compile("\\([ \\t]*(?<v>\\d{1,3})[ \\t]*\\)");
    private static final int LONGEST_AGE = 3 + 20;
    private static final int OLDEST = 125;

    private static final String MONTH = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
            + "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
    private static final String DAY = "\\d{1,2}(?:st|nd|rd|th)?";
    /** Numbers with one separator throughout (12/03/1985, 1985-03-12, 12.03.1985), or a spelled month with its day and year. */
    private static final Pattern DATE = Pattern.compile("(?=[\\djfmasond])(?<![\\p{L}\\p{N}_])"
            + "(?:(?<a>\\d{1,4})(?<s>[/.-])(?<b>\\d{1,2})\\k<s>(?<c>\\d{2,4})"
            + "|(?:" + DAY + "(?:[ \\t]+of)?[ \\t]+" + MONTH + "|" + MONTH + "[ \\t]+" + DAY + "),?[ \\t]+(?<year>\\d{4}))" + END,
            Pattern.CASE_INSENSITIVE);
    private static final int LONGEST_DATE = 22;
    private static final ContextWords BIRTH_WORDS = ContextWords.of("born(?: on)?", "dob", "d\\.o\\.b\\.?", "date of birth",
            "birth[ _-]?date", "birthday", "geburtsdatum", "date de naissance", "fecha de nacimiento");

    private PersonalFacts() {}

    static PatternDetector age() {
        return AnyOf.of(AGE,
                RegexDetector.accepting(AGE, NUMBER, ContextWords.WINDOW + LONGEST_AGE + 2, PersonalFacts::isAge),
                RegexDetector.accepting(AGE, AGE_IN_BRACKETS, ContextWords.WINDOW + LONGEST_AGE, PersonalFacts::bracketedAfterPerson));
    }

    static PatternDetector dateOfBirth() {
        return RegexDetector.accepting(DATE_OF_BIRTH, DATE, ContextWords.WINDOW + LONGEST_DATE + 2,
                (text, m) -> Tokens.standsAlone(text, m.start(), m.end(), "./-:") && plausibleDate(m)
                        && BIRTH_WORDS.before(text, m.start()));
    }

    private static boolean isAge(CharSequence text, MatchResult m) {
        if (Integer.parseInt(m.group()) > OLDEST || follows(FOLLOWS_AS_QUANTITY, text, m.end()) >= 0) return false;
        int yearsOld = follows(YEARS_OLD, text, m.end());
        if (yearsOld >= 0) return follows(PERSON_AFTER, text, yearsOld) >= 0 || PERSON_BEFORE.before(text, m.start());
        // Anything else glued to the number ("34th", "3D") makes it no age.
        if (m.end() < text.length() && Character.isLetter(text.charAt(m.end()))) return false;
        return AGE_LABELS.before(text, m.start()) || TURNED.before(text, m.start())
                || STATED.before(text, m.start()) && follows(FOLLOWS_AS_AGE, text, m.end()) >= 0;
    }

    private static boolean bracketedAfterPerson(CharSequence text, MatchResult m) {
        int person = PERSON_BEFORE.nearest(text, m.start());
        return person >= 0 && text.subSequence(person, m.start()).toString().isBlank() && Integer.parseInt(m.group("v")) <= OLDEST;
    }

    /** Where what follows {@code at} and fits {@code pattern} ends, or -1. */
    private static int follows(Pattern pattern, CharSequence text, int at) {
        Matcher m = pattern.matcher(text).region(at, Math.min(text.length(), at + 20))
                .useTransparentBounds(true).useAnchoringBounds(false);
        return m.lookingAt() ? m.end() : -1;
    }

    /**
     * Year-month-day, or day and month in either order before the year. A date without a year
     * ("birthday party on 14 June") is a day in the calendar, not a date of birth.
     */
    private static boolean plausibleDate(MatchResult m) {
        if (m.group("a") == null) return year(m.group("year"));
        String a = m.group("a");
        int b = Integer.parseInt(m.group("b"));
        String c = m.group("c");
        if (a.length() == 4) return c.length() <= 2 && month(b) && day(Integer.parseInt(c)) && year(a);
        if (a.length() > 2 || c.length() == 3 || (c.length() == 4 && !year(c))) return false;
        int first = Integer.parseInt(a);
        return day(first) && month(b) || month(first) && day(b);
    }

    private static boolean month(int n) {
        return n >= 1 && n <= 12;
    }

    private static boolean day(int n) {
        return n >= 1 && n <= 31;
    }

    private static boolean year(String y) {
        int n = Integer.parseInt(y);
        return n >= 1900 && n <= 2100;
    }
}
