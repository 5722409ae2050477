package dev.quarry.guardrails.pii;


import dev.quarry.guardrails.detect.PatternDetector;
import dev.quarry.guardrails.pii.RegexDetector.Span;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * International bank account numbers (ISO 13616): a country code, two check digits and a BBAN of
 * the length that country uses, written compact or in groups of four, passing mod 97. Typed in
 * lower case they are the same number.
 */
final class Iban {
    static final String TYPE = "INTERNATIONAL_BANK_ACCOUNT_NUMBER";

    /**
     * A run of letters, digits and separators after "CC99"; it usually runs on past the IBAN
     * ("... 0130 00 BIC DEUTDEFF"), and the country's length says where the IBAN really ends.
     */
    private static final Pattern CANDIDATE = Pattern.compile("[A-Za-z]{2}(?=\\d{2})" + Tokens.startedBefore(2)
            + "\\d{2}[A-Za-z0-9 \\t-]{11,72}");
    /**
     * Between two groups: one to a few spaces or tabs (pasted from a form, aligned), or one dash;
     * the mod-97 check, not the separator, makes an IBAN.
     */
    private static final int MOST_SPACES = 3;
    private static final int LONGEST = 34 + 8 * MOST_SPACES;

    /** Length of the IBAN by country, from the SWIFT IBAN registry. */
    private static final Map<String, Integer> LENGTHS = lengths("""
            AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28
            EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27
            JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18
            NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28
            TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30""");

    private Iban() {}

    static PatternDetector detector() {
        return new RegexDetector(TYPE, CANDIDATE, LONGEST + 2, Iban::iban);
    }

    /** The IBAN at the start of the candidate, if it is one. */
    private static Span iban(CharSequence text, MatchResult m) {
        Integer length = LENGTHS.get(m.group().substring(0, 2).toUpperCase(Locale.ROOT));
        if (length == null) return null;
        StringBuilder iban = new StringBuilder(length);
        boolean grouped = isSeparator(m.group().charAt(4));
        int i = m.start();
        while (iban.length() < length && i < m.end()) {
            char c = text.charAt(i);
            if (isSeparator(c)) {
                // Groups of four: separators after every fourth character, nowhere else.
                int separators = 1;
                while (i + separators < m.end() && isSeparator(text.charAt(i + separators))) separators++;
                String separator = text.subSequence(i, i + separators).toString();
                boolean oneSeparator = separator.equals("-") || separator.isBlank() && separators <= MOST_SPACES;
                if (!grouped || iban.length() % 4 != 0 || !oneSeparator) return null;
                i += separators;
            } else {
                if (grouped && iban.length() % 4 == 0 && iban.length() > 0 && !isSeparator(text.charAt(i - 1))) {
                    return null;
                }
                iban.append(c);
                i++;
            }
        }
        boolean endsAtBoundary = i == text.length() || !Character.isLetterOrDigit(text.charAt(i));
        return iban.length() == length && endsAtBoundary && Checksums.ibanMod97(iban) ? new Span(m.start(), i) : null;
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '\t' || c == '-';
    }

    private static Map<String, Integer> lengths(String table) {
        return Arrays.stream(table.trim().split("\\s+"))
                .collect(Collectors.toUnmodifiableMap(e -> e.substring(0, 2), e -> Integer.parseInt(e.substring(2))));
    }
}
