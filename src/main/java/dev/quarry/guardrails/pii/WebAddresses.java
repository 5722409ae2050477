package dev.quarry.guardrails.pii;

import dev.quarry.guardrails.detect.PatternDetector;
import dev.quarry.guardrails.pii.RegexDetector.Span;
import java.util.Locale;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * Email addresses and URLs. Each is found from the one thing it cannot do without (the "@", the
 * "://", the "www.", the ".tld/") and read outwards from there: a regex that started at the
 * beginning of an address would be tried at the start of every word of the text.
 */
final class WebAddresses {
    static final String EMAIL = "EMAIL";
    static final String URL = "URL";

    private static final String URL_REST = "[^\\s<>\"'`]{1,1024}";

    /**
     * A label of an address's domain: letters of any script and digits (an internationalised
     * domain, "bücher.de", or a homoglyph, "exаmple.com" with a Cyrillic а, is still the
     * address), hyphens inside. ASCII comes first in each class: it is most addresses, and a
     * range is tested faster than a Unicode property.
     */
    private static final String LABEL_CHARACTER = "a-zA-Z0-9\\p{L}\\p{M}\\p{Nd}";
    private static final String LABEL = "[" + LABEL_CHARACTER + "](?:[" + LABEL_CHARACTER + "\\-]{0,61}[" + LABEL_CHARACTER + "])?";
    /** A dot, or one written out against harvesters: "[dot]", "(dot)", with a space or not on either side. */
    private static final String DOT = "(?:\\.|[ \\t]?[(\\[](?i:dot)[)\\]][ \\t]?)";
    /**
     * A top-level domain: letters of the alphabets domains are registered in. Not ideographic
     * ones: with an ideographic full stop read as a dot, "微信。谢谢" would end in one.
     */
    private static final String TLD = "[a-zA-Z\\p{IsLatin}\\p{IsCyrillic}\\p{IsGreek}]{2,24}";
    /** What only a written-out dot puts in a domain. */
    private static final String WRITTEN_DOT = "[( \t";
    /** A domain's most characters: 253, and its dots written out, " (dot) ", in a name of up to ten labels. */
    private static final int LONGEST_DOMAIN = 253 + 9 * 6;
    private static final String DOMAIN = LABEL + "(?:" + DOT + LABEL + "){0,8}" + DOT + "(?<tld>" + TLD + ")";

    /**
     * The @ and the domain; the @ may be written "(at)" or "[at]" against harvesters, or with
     * spaces around it, and it is still the address (group {@code plain} holds a plain "@"). The
     * lookahead lets most positions of a text fail at their first character.
     */
    private static final Pattern AT_DOMAIN = Pattern.compile("(?=[ \\t(\\[@])(?:(?<plain>@)|[ \\t]?(?:[(\\[](?i:at)[)\\]]|@)[ \\t]?)"
            + "(?<domain>" + DOMAIN + ")(?![\\p{L}\\p{N}_\\-])");
    private static final int LONGEST_LOCAL = 64;
    private static final String LOCAL_CHARACTERS = ".%+-_";
    /** "icon@2x.png" is a file name; no top-level domain is an image format. */
    private static final Set<String> FILE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "tif", "tiff",
            "ico");

    private static final Pattern AFTER_SCHEME = Pattern.compile("://" + URL_REST);
    private static final int LONGEST_SCHEME = 16;
    private static final Pattern WWW = Pattern.compile("[wW](?<![\\p{L}\\p{N}_.+\\-].)[wW]{2}\\." + URL_REST);
    /** A host and a path without a scheme, "quarry.dev/docs", found from its ".dev/". */
    private static final Pattern TLD_SLASH = Pattern.compile("\\.(?<tld>[A-Za-z]{2,12})/[^\\s<>\"'`]{0,1024}");
    /** Without a scheme, only a real top-level domain makes a URL: "node.js/express" is no URL. */
    private static final Set<String> GENERIC_TLDS = Set.of("com", "org", "net", "edu", "gov", "mil", "int", "info", "biz",
            "dev", "app", "cloud", "tech", "xyz", "online", "site", "shop", "blog", "page", "io", "ai", "uk", "eu");
    private static final String TRAILING_PUNCTUATION = ".,;:!?*";
    private static final int LONGEST_URL = LONGEST_SCHEME + 3 + 1024;

    private WebAddresses() {}

    static PatternDetector email() {
        return new RegexDetector(EMAIL, AT_DOMAIN, LONGEST_LOCAL + 6 + LONGEST_DOMAIN + 2, WebAddresses::email);
    }

    static PatternDetector url() {
        return AnyOf.of(URL,
                new RegexDetector(URL, AFTER_SCHEME, LONGEST_URL + 2, WebAddresses::schemeUrl),
                new RegexDetector(URL, WWW, LONGEST_URL + 2, WebAddresses::wwwUrl),
                new RegexDetector(URL, TLD_SLASH, 253 + LONGEST_URL + 2, WebAddresses::bareUrl));
    }

    private static Span email(CharSequence text, MatchResult m) {
        int start = backOver(text, m.start(), LONGEST_LOCAL, WebAddresses::isLocalCharacter);
        if (start == m.start() || glued(text, start, LOCAL_CHARACTERS)) return null;
        String local = text.subSequence(start, m.start()).toString();
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) return null;
        String tld = m.group("tld").toLowerCase(Locale.ROOT);
        // Written out, "@" stands for "at" in prose too ("lunch @ noon.today"): only a real top-level domain makes it an address.
        boolean writtenOut = m.group("plain") == null || m.group("domain").chars().anyMatch(c -> WRITTEN_DOT.indexOf(c) >= 0);
        if (writtenOut && !realTld(tld)) return null;
        return FILE_EXTENSIONS.contains(tld) || inUrlAuthority(text, start) ? null : new Span(start, m.end());
    }

    /** A local part's characters: letters of any script (an internationalised address, a homoglyph), digits, marks, and ".%+-_". */
    private static boolean isLocalCharacter(char c) {
        return Character.isLetterOrDigit(c) || LOCAL_CHARACTERS.indexOf(c) >= 0 || isMark(c);
    }

    private static boolean isMark(char c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK;
    }

    private static boolean realTld(String tld) {
        return GENERIC_TLDS.contains(tld.toLowerCase(Locale.ROOT)) || tld.length() == 2 && Countries.ISO_CODES.contains(tld.toUpperCase(Locale.ROOT));
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return c < 128 && Character.isLetterOrDigit(c);
    }

    /**
     * Whether {@code at} is inside the authority of a URL ("https://deploy:token@host"): that is
     * a user and a password, not an email address. An address in a URL's path still counts.
     */
    private static boolean inUrlAuthority(CharSequence text, int at) {
        for (int i = at - 1; i >= 2 && i >= at - 256 && !Character.isWhitespace(text.charAt(i)); i--) {
            if (text.charAt(i) == '/') return text.charAt(i - 1) == '/' && text.charAt(i - 2) == ':';
        }
        return false;
    }

    /** scheme://host...: the scheme is a letter and then letters, digits, "+", "." or "-" (https, s3, postgres, git+ssh). */
    private static Span schemeUrl(CharSequence text, MatchResult m) {
        int start = backOver(text, m.start(), LONGEST_SCHEME, c -> isAsciiLetterOrDigit(c) || "+.-".indexOf(c) >= 0);
        if (m.start() - start < 2 || !Character.isLetter(text.charAt(start))) return null;
        if (glued(text, start, "_+.-")) return null;
        char first = text.charAt(m.start() + 3);
        boolean host = Character.isLetterOrDigit(first) || first == '[' || first == '/';
        int end = trimmedEnd(text, start, m.end());
        return host && end > m.start() + 3 ? new Span(start, end) : null;
    }

    private static Span wwwUrl(CharSequence text, MatchResult m) {
        int end = trimmedEnd(text, m.start(), m.end());
        boolean domain = text.subSequence(m.start() + 4, end).toString().indexOf('.') > 0;
        return domain ? new Span(m.start(), end) : null;
    }

    private static Span bareUrl(CharSequence text, MatchResult m) {
        int start = backOver(text, m.start(), 253, c -> isAsciiLetterOrDigit(c) || c == '.' || c == '-');
        if (start == m.start() || glued(text, start, "_.@/-")) return null;
        String tld = m.group("tld");
        return realTld(tld) && validDomain(text.subSequence(start, m.start("tld") + tld.length()).toString())
                ? new Span(start, trimmedEnd(text, start, m.end())) : null;
    }

    /** Whether the character before {@code start} makes it the middle of something longer. */
    private static boolean glued(CharSequence text, int start, String joiners) {
        return start > 0 && (Character.isLetterOrDigit(text.charAt(start - 1)) || joiners.indexOf(text.charAt(start - 1)) >= 0);
    }

    /** How far back from {@code at} characters of a kind go, up to {@code limit} of them. */
    private static int backOver(CharSequence text, int at, int limit, CharPredicate kind) {
        int i = at;
        while (i > 0 && at - i < limit && kind.test(text.charAt(i - 1))) i--;
        return i;
    }

    @FunctionalInterface
    private interface CharPredicate {
        boolean test(char c);
    }

    private static boolean validDomain(String domain) {
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty() || label.startsWith("-") || label.endsWith("-")) return false;
        }
        return true;
    }

    /** The end of a URL less the punctuation of the sentence around it. */
    private static int trimmedEnd(CharSequence text, int start, int end) {
        while (end > start) {
            char last = text.charAt(end - 1);
            if (TRAILING_PUNCTUATION.indexOf(last) >= 0 || unbalanced(text, start, end, last)) end--;
            else break;
        }
        return end;
    }

    /** A closing bracket ending a URL belongs to the prose around it ("(see https://x.io/a)") unless the URL opened it. */
    private static boolean unbalanced(CharSequence text, int start, int end, char last) {
        char open = switch (last) {
            case ')' -> '(';
            case ']' -> '[';
            case '}' -> '{';
            default -> 0;
        };
        if (open == 0) return false;
        int depth = 0;
        for (int i = start; i < end; i++) {
            if (text.charAt(i) == open) depth++;
            else if (text.charAt(i) == last) depth--;
        }
        return depth < 0;
    }
}
