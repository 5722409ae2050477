package dev.quarry.guardrails.pii;

import static dev.quarry.guardrails.pii.Tokens.END;

import dev.quarry.guardrails.detect.PatternDetector;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * Vehicle identification numbers (ISO 3779): 17 characters without I, O or Q. North American
 * VINs carry a check digit in position 9; many others do not, so a VIN failing the check counts
 * only when the words before it say it is a VIN.
 */
final class Vin {
    static final String TYPE = "VEHICLE_IDENTIFICATION_NUMBER";

    /** 17 capitals and digits; I, O and Q are ruled out by the judge, as a plain class is much cheaper to scan with. */
    private static final Pattern SHAPE = Pattern.compile("[A-Z0-9]{17}" + Tokens.startedBefore(17) + END);
    private static final String NEVER_IN_A_VIN = "IOQ";
    /** Position 10 is the model year: never I, O, Q, U, Z or 0. */
    private static final String MODEL_YEARS = "ABCDEFGHJKLMNPRSTVWXY123456789";
    private static final ContextWords WORDS = ContextWords.of("vin", "vehicle identification(?: number| no\\.?)?",
            "chassis(?: number| no\\.?)?", "fahrgestellnummer");

    private Vin() {}

    static PatternDetector detector() {
        return RegexDetector.accepting(TYPE, SHAPE, ContextWords.WINDOW + 17 + 2, Vin::isVin);
    }

    private static boolean isVin(CharSequence text, MatchResult m) {
        String vin = m.group();
        boolean mixed = vin.chars().anyMatch(Character::isLetter) && vin.chars().anyMatch(Character::isDigit);
        boolean vinLetters = vin.chars().noneMatch(c -> NEVER_IN_A_VIN.indexOf(c) >= 0);
        if (!mixed || !vinLetters || MODEL_YEARS.indexOf(vin.charAt(9)) < 0) return false;
        return Checksums.vin(vin) || WORDS.before(text, m.start());
    }
}
