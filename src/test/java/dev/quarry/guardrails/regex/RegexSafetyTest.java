package dev.quarry.guardrails.regex;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegexSafetyTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "ORD-\\d{6}", "EMP-[0-9]{5}", "[A-Z]{2}\\d{6}", "\\b[A-Z]{3}-\\d{4}\\b", "(\\d{3}-){2}\\d{4}", "(?:\\d{3}-)+\\d{4}",
            "(?i)project\\s+nightjar", "[\\w.+-]+@example\\.com", "\\d+(?:\\.\\d+)?", "(?:ab){1,3}", "a{2}{3}",
            "(?>\\w+\\s?)*", "(\\w+\\s?)*+", "(?:a|b)*+", "(?>a|ab)+", "(?:a(?=b+)b)*", "\\p{Lu}\\p{Ll}+", "[^\\s]+",
            // Look like traps but are literals: quoted, escaped, or inside a class.
            "\\Q(a+)+\\E", "\\(a\\+\\)\\+", "([+*?])+", "([(]a[)])+", "[]a+]+", "[a&&[^b]]+",
            "(?x) ORD - \\d{6}   # an order number", "(?x)[ # a space is ignored here ]\n a]+",
            "\\x{1F600}+", "\\0101{3}", "(?<year>\\d{4})-(?<month>\\d{2})"})
    void acceptsOrdinaryPatterns(String pattern) {
        assertThatCode(() -> RegexSafety.check(pattern)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
            "(a+)+ => regex pattern repeats '(a+)+' (index 0) around another quantifier, 'a+' (index 1)",
            "x(a*)* => repeats '(a*)*' (index 1) around another quantifier, 'a*' (index 2)",
            "(\\w+\\s?)* => repeats '(\\w+\\s?)*' (index 0) around another quantifier, '\\w+' (index 1)",
            "(.*a){10} => repeats '(.*a){10}' (index 0) around another quantifier, '.*' (index 1)",
            "a*{2} => repeats 'a*{2}' (index 0) around another quantifier, 'a*' (index 0)",
            "(a?){20}a{20} => around another quantifier, 'a?' (index 1)",
            "((ab)*c)+ => around another quantifier, '(ab)*' (index 1)",
            "(?:(?>\\d+)-)* => around another quantifier, '\\d+' (index 6)",
            "(?:\\d++-)+ => around another quantifier, '\\d++' (index 3)",
            "(?:a\\X)* => around another quantifier, '\\X' (index 4)",
            "(a+)+? => make the outer quantifier possessive (*+, ++, {n,m}+) or the repeated group atomic ((?>...)*)",
            "(a|a)* => regex pattern repeats '(a|a)*' (index 0) around the alternation 'a|a' (index 1): an alternation inside a repeat is not allowed",
            "(a|ab)* => around the alternation 'a|ab' (index 1)",
            "(?:x|y){2,} => around the alternation 'x|y' (index 3)",
            "(?:x|y){2} => around the alternation 'x|y' (index 3)",
            "(?x) ( a + ) + => around another quantifier, 'a +' (index 7)",
            "(a)\\1 => regex pattern uses the backreference '\\1' (index 3): backreferences are not allowed",
            "(?<w>a)\\k<w> => uses the backreference '\\k<w>' (index 7)",
            "(?c)é => canonical equivalence (?c) at index 2",
            "\\w?\\b{g}, => grapheme boundary \\b{g} at index 3: it is not allowed",
            "(ab => regex pattern does not compile: Unclosed group at index 3",
            "a{2,1} => regex pattern does not compile: Illegal repetition range at index 5",
            "`` => regex pattern is empty"})
    void refusesBacktrackingTrapsSayingWhere(String pattern, String message) {
        assertThatThrownBy(() -> RegexSafety.check(pattern)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 501})
    void patternsAreAtMost500Characters(int length) {
        String pattern = "a".repeat(length);
        if (length <= RegexSafety.MAX_PATTERN_LENGTH) {
            assertThatCode(() -> RegexSafety.check(pattern)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> RegexSafety.check(pattern)).hasMessage("regex pattern is 501 characters long; at most 500 are allowed");
        }
    }
}
