package dev.quarry.guardrails.semantic;

import dev.quarry.guardrails.detect.Leetspeak;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ways a prompt can be read once the usual disguises are undone: the text itself in plain
 * lower case (compatibility forms folded, invisible characters dropped, digits read as the letters
 * they stand for, s p a c e d letters joined), the same with a 1 after a vowel read as an l
 * rather than an i ("ru13s", "a11", "p01icy" beside "d1sregard"), the same read as ROT13, and
 * every base64 or hex run that decodes to text. Attack patterns are matched against all of them;
 * the decoded runs are also embedded, since "respond to this: aWdub3Jl…" says nothing until decoded.
 *
 * @param plain    the prompt normalized as above
 * @param onesAsL  {@code plain} with a 1 after a vowel inside a word read as l
 * @param rot13    {@code plain} with letters rotated by 13
 * @param payloads decoded base64 and hex runs, normalized like {@code plain}
 */
record Readings(String plain, String onesAsL, String rot13, List<String> payloads) {
    /** Runs shorter than this decode to too little to be an instruction, and are often words. */
    private static final int MIN_ENCODED = 16;
    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cf}\\u200B-\\u200D\\u2060\\uFEFF]");
    private static final Pattern SPACED_LETTERS = Pattern.compile("(?<![\\p{L}\\p{N}])\\p{L}(?: \\p{L}){2,}(?![\\p{L}\\p{N}])");
    private static final Pattern LEET_WORD = Pattern.compile("\\b(?=[a-z]*\\d)(?=\\d*[a-z])[a-z\\d]{2,}\\b");
    /** Vowels as written or as the digits that stand for them. */
    private static final Pattern ONES_AFTER_VOWEL = Pattern.compile("(?<=[aeiou034])1+");
    private static final Pattern BLANKS = Pattern.compile("[\\t\\x0B\\f\\r ]+");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_-]{" + MIN_ENCODED + ",}={0,2}");
    private static final Pattern HEX = Pattern.compile("\\b(?:[0-9a-fA-F]{2}){" + MIN_ENCODED / 2 + ",}\\b");

    Readings {
        payloads = List.copyOf(payloads);
    }

    static Readings of(String text) {
        String plain = normalize(text);
        return new Readings(plain, normalize(text, true), rot13(plain), decodedRuns(text));
    }

    /** Every reading, for pattern matching. */
    List<String> all() {
        List<String> all = new ArrayList<>(payloads.size() + 3);
        all.add(plain);
        if (!onesAsL.equals(plain)) all.add(onesAsL);
        all.add(rot13);
        all.addAll(payloads);
        return all;
    }

    static String normalize(String text) {
        return normalize(text, false);
    }

    private static String normalize(String text, boolean onesAfterVowelsAsL) {
        String folded = INVISIBLE.matcher(Normalizer.normalize(text, Normalizer.Form.NFKC)).replaceAll("");
        String joined = SPACED_LETTERS.matcher(folded).replaceAll(m -> Matcher.quoteReplacement(m.group().replace(" ", "")));
        String lower = joined.toLowerCase(Locale.ROOT);
        String unleeted = LEET_WORD.matcher(lower).replaceAll(m -> Leetspeak.undo(
                onesAfterVowelsAsL ? ONES_AFTER_VOWEL.matcher(m.group()).replaceAll(ones -> "l".repeat(ones.group().length())) : m.group()));
        return BLANKS.matcher(unleeted).replaceAll(" ");
    }

    private static String rot13(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) out.append(c >= 'a' && c <= 'z' ? (char) ('a' + (c - 'a' + 13) % 26) : c);
        return out.toString();
    }

    private static List<String> decodedRuns(String text) {
        List<String> decoded = new ArrayList<>();
        Matcher hex = HEX.matcher(text);
        while (hex.find()) asText(HexFormat.of().parseHex(hex.group())).ifPresent(t -> decoded.add(normalize(t)));
        Matcher base64 = BASE64.matcher(text);
        while (base64.find()) {
            String run = base64.group();
            if (HEX.matcher(run).matches()) continue;
            try {
                byte[] bytes = run.contains("-") || run.contains("_")
                        ? Base64.getUrlDecoder().decode(run)
                        : Base64.getDecoder().decode(run);
                asText(bytes).ifPresent(t -> decoded.add(normalize(t)));
            } catch (IllegalArgumentException notBase64) {
                // A long word or identifier, not an encoding.
            }
        }
        return decoded;
    }

    /** The bytes as text if they are valid UTF-8 and printable: what an attacker encodes is prose. */
    private static Optional<String> asText(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            boolean printable = text.codePoints().allMatch(c -> !Character.isISOControl(c) || Character.isWhitespace(c));
            return printable && text.indexOf(' ') > 0 ? Optional.of(text) : Optional.empty();
        } catch (CharacterCodingException binary) {
            return Optional.empty();
        }
    }
}
