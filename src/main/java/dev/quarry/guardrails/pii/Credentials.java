package dev.quarry.guardrails.pii;

import static dev.quarry.guardrails.pii.Tokens.END;
import static dev.quarry.guardrails.pii.Tokens.STARTS;

import dev.quarry.guardrails.detect.PatternDetector;
import dev.quarry.guardrails.pii.RegexDetector.Span;
import java.util.Locale;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * Secrets and account names: AWS keys, passwords, user names and PINs. Apart from an AWS access
 * key id, none has a shape of its own, so each is found as the value a label introduces
 * ("password: ...", "username=...", "PIN is ...") or in a URL's user and password.
 */
final class Credentials {
    static final String AWS_ACCESS_KEY = "AWS_ACCESS_KEY";
    static final String AWS_SECRET_KEY = "AWS_SECRET_KEY";
    static final String PASSWORD = "PASSWORD";
    static final String USERNAME = "USERNAME";
    static final String PIN = "PIN";

    /**
     * An access key id after its "A": the rest of an IAM unique-id prefix (AKIA, ASIA, AGPA, AIDA,
     * AROA...: user, temporary credentials, group, role) and 16 base-32 characters.
     */
    private static final String AFTER_A = "(?:KIA|SIA|GPA|IDA|ROA|IPA|NPA|NVA|PKA|BIA|CCA)[A-Z2-7]{16}";
    private static final Pattern ACCESS_KEY = Pattern.compile("A" + STARTS + AFTER_A + END);

    /**
     * A secret key is 40 base-64 characters, like many hashes and tokens: it counts only after
     * "secret" or an access key id, so the detector finds those (rare) and reads on from them,
     * which costs far less than trying every word of a text as the start of a key.
     */
    private static final Pattern SECRET_LEAD = Pattern.compile("(?:[sS](?<![\\p{L}\\p{N}].)(?i:ecret(?:[ _]?access[ _]?key)?)"
            + "|A(?<![\\p{L}\\p{N}].)" + AFTER_A + ")(?![\\p{L}])");
    private static final int SECRET_LENGTH = 40;
    private static final String SECRET_ALPHABET = "/+";

    /**
     * What a label says before its value: "password: x", "password=x", "\"password\": \"x\"",
     * "password is x", and what it belongs to in between: "password for the router is x".
     */
    private static final String SAYS = "[\"']?"
            + "(?:[ \\t]+(?:on|for|at|to|of|in)[ \\t]+(?:(?:the|my|our|your)[ \\t]+)?[\\p{L}\\p{N}.\\-]{1,30})?"
            + "(?:[ \\t]*[:=][ \\t]*|[ \\t]+(?:is|was)[ \\t]+)[\"']?";
    /** A value: up to the next space, quote or list separator. */
    private static final String VALUE = "(?<v>[^\\s\"'`,;]{1,64})";
    private static final int LONGEST_LABELLED = 20 + 50 + 64;

    /**
     * "pass" alone labels a password only before ":" or "=", and then only a value with a letter
     * in it: "Pass: 12 Fail: 3" is a test report.
     */
    private static final Pattern PASSWORD_LABELLED = Pattern.compile("(?=[pwn])(?<![\\p{L}])(?:pass(?:word|wd|phrase|code)|pwd|pw"
            + "|wi-?fi[ \\t]+(?:code|key)|network[ \\t]+key|(?<pass>pass)(?=[\"']?[ \\t]*[:=]))" + SAYS + VALUE,
            Pattern.CASE_INSENSITIVE);
    /** "login:" labels a user name, but "Last login:" a time. */
    private static final Pattern USERNAME_LABELLED = Pattern.compile("(?=[uls])(?<![\\p{L}])(?:user[ _-]?name|user[ _-]?id"
            + "|login[ _-]?(?:name|id)|screen[ _-]?name|uname|user(?=[ \\t]*=)|(?<!last[ \\t])login(?=[\"']?[ \\t]*[:=]))"
            + SAYS + VALUE, Pattern.CASE_INSENSITIVE);
    /** scheme://user:password@host, found from its "://"; the group named v is the one reported. */
    private static final String URL_CREDENTIALS = "://"
            + "(?<%s>[^\\s:/@?#\"'<>]{1,64}):(?<%s>[^\\s/@?#\"'<>]{1,128})@(?=[\\p{L}\\p{N}\\[])";
    private static final Pattern PASSWORD_IN_URL = Pattern.compile(URL_CREDENTIALS.formatted("user", "v"));
    private static final Pattern USERNAME_IN_URL = Pattern.compile(URL_CREDENTIALS.formatted("v", "password"));
    private static final int LONGEST_URL_CREDENTIALS = 19 + 64 + 1 + 128 + 2;

    /**
     * What follows a label in prose or a form that is not its value ("password is incorrect",
     * "username: required", "password: null").
     */
    private static final Set<String> NOT_VALUES = Set.of("a", "an", "the", "is", "was", "and", "or", "not", "no", "none",
            "null", "nil", "undefined", "true", "false", "empty", "blank", "required", "optional", "invalid", "incorrect",
            "wrong", "correct", "valid", "taken", "missing", "expired", "reset", "changed", "set", "stored", "hashed",
            "encrypted", "weak", "strong", "too", "same", "different", "case", "being", "now", "still", "also", "your",
            "my", "his", "her", "their", "our", "in", "on", "at", "for", "of", "to", "here", "below", "above", "field",
            "must", "should", "can", "cannot", "will", "unique", "hidden", "protected", "sensitive", "redacted",
            "password", "username", "secret", "changeme", "example", "xxx", "n/a", "failed", "failure", "success",
            "successful", "ok", "denied", "disabled", "enabled", "page", "screen", "form", "button", "link");
    /** Masks and template placeholders: "********", "${DB_PASSWORD}", "{{ password }}", "<password>". */
    private static final Pattern PLACEHOLDER = Pattern.compile("[*•xX#]+|[$%]?[{(<\\[].*");

    private static final Pattern PIN_LABELLED = Pattern.compile("(?=p)(?<![\\p{L}])pin(?:[ \\t]?(?:code|number|no\\.?|#))?"
            + "(?:[ \\t]*[:=#][ \\t]*|[ \\t]+(?:is[ \\t]+|was[ \\t]+)?)(?<v>\\d{4,8})" + END, Pattern.CASE_INSENSITIVE);

    private Credentials() {}

    static PatternDetector awsAccessKey() {
        return RegexDetector.every(AWS_ACCESS_KEY, ACCESS_KEY, 20 + 2);
    }

    static PatternDetector awsSecretKey() {
        return new RegexDetector(AWS_SECRET_KEY, SECRET_LEAD, 40 + ContextWords.WINDOW + SECRET_LENGTH + 2, Credentials::secretAfter);
    }

    static PatternDetector password() {
        return AnyOf.of(PASSWORD,
                new RegexDetector(PASSWORD, PASSWORD_LABELLED, LONGEST_LABELLED, (text, m) -> m.group("pass") == null
                        || m.group("v").chars().anyMatch(Character::isLetter) ? value(text, m) : null),
                new RegexDetector(PASSWORD, PASSWORD_IN_URL, LONGEST_URL_CREDENTIALS, Credentials::valueInUrl));
    }

    static PatternDetector username() {
        return AnyOf.of(USERNAME,
                new RegexDetector(USERNAME, USERNAME_LABELLED, LONGEST_LABELLED, Credentials::value),
                new RegexDetector(USERNAME, USERNAME_IN_URL, LONGEST_URL_CREDENTIALS, Credentials::valueInUrl));
    }

    static PatternDetector pin() {
        return RegexDetector.accepting(PIN, PIN_LABELLED, 30 + 8 + 2,
                (text, m) -> Tokens.standsAlone(text, m.start("v"), m.end("v"), "./-"));
    }

    /**
     * The secret key after its lead: the first run of the key's alphabet within the window that
     * is 40 long, the words before it ("_access_key =", "and the secret") skipped, unless a number
     * comes first, which the key would then not be about.
     */
    private static Span secretAfter(CharSequence text, MatchResult lead) {
        int limit = Math.min(text.length(), lead.end() + ContextWords.WINDOW);
        int i = lead.end();
        while (i < limit) {
            if (!isSecretCharacter(text.charAt(i))) {
                i++;
                continue;
            }
            int run = i;
            while (run < text.length() && isSecretCharacter(text.charAt(run))) run++;
            boolean padded = run < text.length() && text.charAt(run) == '=';
            if (run - i == SECRET_LENGTH && !padded && mixesCharacterClasses(text.subSequence(i, run))) return new Span(i, run);
            if (text.subSequence(i, run).chars().anyMatch(Character::isDigit)) return null;
            i = run;
        }
        return null;
    }

    private static boolean isSecretCharacter(char c) {
        return c < 128 && Character.isLetterOrDigit(c) || SECRET_ALPHABET.indexOf(c) >= 0;
    }

    /** Upper case, lower case and a digit: a 40-character hex hash or a word is not a secret key. */
    private static boolean mixesCharacterClasses(CharSequence s) {
        return s.chars().anyMatch(Character::isUpperCase) && s.chars().anyMatch(Character::isLowerCase)
                && s.chars().anyMatch(Character::isDigit);
    }

    /** A labelled value, less the full stop or bracket of the sentence around it, unless it is no value. */
    private static Span value(CharSequence text, MatchResult m) {
        int end = m.end("v");
        while (end > m.start("v") + 1 && ".)".indexOf(text.charAt(end - 1)) >= 0) end--;
        String value = text.subSequence(m.start("v"), end).toString();
        boolean real = !NOT_VALUES.contains(value.toLowerCase(Locale.ROOT)) && !PLACEHOLDER.matcher(value).matches();
        return real ? new Span(m.start("v"), end) : null;
    }

    /** A value from a URL's user information, if the "://" follows a scheme. */
    private static Span valueInUrl(CharSequence text, MatchResult m) {
        return m.start() > 0 && Character.isLetterOrDigit(text.charAt(m.start() - 1)) ? value(text, m) : null;
    }
}
