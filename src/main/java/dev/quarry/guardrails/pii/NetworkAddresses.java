package dev.quarry.guardrails.pii;

import static dev.quarry.guardrails.pii.Tokens.END;

import dev.quarry.guardrails.detect.PatternDetector;
import dev.quarry.guardrails.pii.RegexDetector.Span;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/** IP addresses (v4, v6 full, compressed and IPv4-mapped) and MAC addresses. */
final class NetworkAddresses {
    static final String IP = "IP_ADDRESS";
    static final String MAC = "MAC_ADDRESS";

    private static final Pattern IPV4 = Pattern.compile("\\d(?<![\\p{L}\\p{N}_.].)\\d{0,2}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}" + END);
    /** "version 1.2.3.4" is a version, however address-like. */
    private static final ContextWords VERSION_WORDS = ContextWords.of("version", "ver\\.?", "(?-i:v)", "release", "build",
            "firmware", "revision", "rev\\.?");
    /** A run of hex, colons and dots with a colon in its first five; {@link #ipv6} decides whether it is an address. */
    private static final Pattern IPV6_CANDIDATE = Pattern.compile("[0-9A-Fa-f:](?=[0-9A-Fa-f]{0,3}:)(?<![\\p{L}\\p{N}_:.].)"
            + "[0-9A-Fa-f:.]{2,44}");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

    private static final String HEX2 = "[0-9A-Fa-f]{2}";
    private static final String HEX4 = "[0-9A-Fa-f]{4}";
    private static final Pattern MAC_SHAPE = Pattern.compile(HEX2 + "(?=[:-]|" + HEX2 + "\\.)" + Tokens.startedBefore(2)
            + "(?:(?<sep>[:-])" + HEX2 + ("\\k<sep>" + HEX2).repeat(4) + "|" + HEX2 + "\\." + HEX4 + "\\." + HEX4 + ")" + END);

    private NetworkAddresses() {}

    static PatternDetector ip() {
        PatternDetector v4 = RegexDetector.accepting(IP, IPV4, ContextWords.WINDOW + 15 + 2,
                (text, m) -> isIpv4(m.group()) && Tokens.standsAlone(text, m.start(), m.end(), ".")
                        && !VERSION_WORDS.before(text, m.start()));
        PatternDetector v6 = new RegexDetector(IP, IPV6_CANDIDATE, 45 + 2, NetworkAddresses::ipv6);
        return AnyOf.of(IP, v4, v6);
    }

    static PatternDetector mac() {
        return RegexDetector.accepting(MAC, MAC_SHAPE, 17 + 2, NetworkAddresses::isMac);
    }

    private static boolean isIpv4(String s) {
        for (String octet : s.split("\\.", -1)) {
            if (octet.isEmpty() || octet.length() > 3 || (octet.length() > 1 && octet.charAt(0) == '0')) return false;
            if (!octet.chars().allMatch(Character::isDigit) || Integer.parseInt(octet) > 255) return false;
        }
        return s.chars().filter(c -> c == '.').count() == 3;
    }

    private static Span ipv6(CharSequence text, MatchResult m) {
        int end = m.end();
        // A full stop ending the sentence, or a colon ending a label ("2001:db8::1: refused"), is not part of it.
        if (text.charAt(end - 1) == '.' || (text.charAt(end - 1) == ':' && text.charAt(end - 2) != ':')) end--;
        boolean boundary = end == text.length() || !(Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_');
        return boundary && isIpv6(text.subSequence(m.start(), end).toString()) ? new Span(m.start(), end) : null;
    }

    private static boolean isIpv6(String s) {
        int compressed = s.indexOf("::");
        if (s.contains(":::") || (compressed >= 0 && compressed != s.lastIndexOf("::"))) return false;
        String[] groups = compressed < 0
                ? s.split(":", -1)
                : (s.substring(0, compressed) + (compressed == 0 || compressed + 2 == s.length() ? "" : ":")
                        + s.substring(compressed + 2)).split(":", -1);
        if (groups.length == 1 && groups[0].isEmpty()) return false;
        int count = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (i == groups.length - 1 && g.contains(".")) {
                if (!isIpv4(g)) return false;
                count += 2;
            } else if (HEX_GROUP.matcher(g).matches()) {
                count++;
            } else {
                return false;
            }
        }
        return compressed < 0 ? count == 8 : count <= 7;
    }

    private static boolean isMac(CharSequence text, MatchResult m) {
        String sep = m.group("sep");
        if (sep == null) {
            // Dotted digits are as often a build or a date; a Cisco MAC shows its hex.
            return m.group().chars().anyMatch(Character::isLetter);
        }
        return !continues(text, m.start() - 1, -1, sep.charAt(0)) && !continues(text, m.end(), 1, sep.charAt(0));
    }

    /** Whether the MAC's separator at {@code at} leads on to more hex, in {@code direction}: a longer sequence. */
    private static boolean continues(CharSequence text, int at, int direction, char sep) {
        int next = at + direction;
        return at >= 0 && next >= 0 && next < text.length() && text.charAt(at) == sep
                && Character.digit(text.charAt(next), 16) >= 0;
    }
}
