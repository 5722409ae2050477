package dev.quarry.guardrails.regex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.guardrails.detect.Detection;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The safety check and the length estimate, over random strings of regex syntax. */
class RegexPropertiesTest {

    /** The parser follows every pattern Java compiles: a refusal is always for a reason, never for being lost. */
    @Property(tries = 3_000)
    void everyPatternJavaCompilesIsJudged(@ForAll("patterns") String pattern) {
        Assume.that(compiles(pattern));
        try {
            RegexSafety.check(pattern);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).doesNotContain("could not be analysed");
        }
    }

    /** No match is longer than maxSpan, and the budgeted matcher finds exactly what a plain one does. */
    @Property(tries = 3_000)
    void matchesFitMaxSpanAndAreThoseJavaFinds(@ForAll("patterns") String pattern, @ForAll("texts") String text) {
        Assume.that(compiles(pattern) && admitted(pattern));
        CustomRegex regex = new CustomRegex("p", pattern);
        List<Detection> found = regex.find(text);

        List<Detection> plain = new ArrayList<>();
        Matcher m = Pattern.compile(pattern).matcher(text);
        while (m.find()) if (m.end() > m.start()) plain.add(new Detection("p", m.start(), m.end()));
        assertThat(found).isEqualTo(plain);
        for (Detection d : found) assertThat(d.end() - d.start()).isLessThanOrEqualTo(regex.maxSpan());
    }

    @Provide
    Arbitrary<String> patterns() {
        Arbitrary<String> tokens = Arbitraries.of("a", "b", "é", "😀", ".", "|", "(", ")", "(?:", "(?>", "(?=", "(?!", "(?<=",
                "(?<!", "(?<n>", "(?i)", "(?x)", "(?-x)", "(?U)", "(?i:", " ", "#", "\n", "[", "]", "[^", "-", "&&", "*", "+",
                "?", "{", "}", ",", "{2}", "{0,3}", "{1,}", "\\d", "\\D", "\\w", "\\s", "\\b", "\\b{g}", "\\B", "\\Q",
                "\\E", "\\x{1F600}", "\\x41", "\\u0041", "\\p{L}", "\\pL", "\\R", "\\X", "\\1", "\\k<n>", "^", "$",
                "\\.", "\\\\", "\\0101", "\\07", "\\cA", "\\N{LATIN SMALL LETTER A}", "\\[", "\\(");
        return tokens.list().ofMaxSize(12).map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withChars("abé.- \nA1").withChars("😀").ofMaxLength(30);
    }

    private static boolean compiles(String pattern) {
        try {
            Pattern.compile(pattern);
            return true;
        } catch (PatternSyntaxException e) {
            return false;
        }
    }

    private static boolean admitted(String pattern) {
        try {
            RegexSafety.check(pattern);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
