package dev.quarry.guardrails.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NormalisedTextTest {
    private static String read(String text) {
        return NormalisedText.of(text).text().toString();
    }

    @Test
    void plainAsciiIsItsOwnReading() {
        String text = "Card 4111 1111 1111 1111, mail ann@example.com.\n\tThanks!";
        assertThat(NormalisedText.of(text).text()).isSameAs(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "０１２３４５６７８９",                       // full-width
            "٠١٢٣٤٥٦٧٨٩",                               // Arabic-Indic
            "۰۱۲۳۴۵۶۷۸۹",                               // Extended Arabic-Indic (Persian, Urdu)
            "०१२३४५६७८९",                               // Devanagari
            "০১২৩৪৫৬৭৮৯",                               // Bengali
            "๐๑๒๓๔๕๖๗๘๙",                               // Thai
            "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",                               // mathematical bold
            "𝟘𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡",                               // mathematical double-struck
            "𝟶𝟷𝟸𝟹𝟺𝟻𝟼𝟽𝟾𝟿"})                              // mathematical monospace
    void everyScriptsDigitsReadAsAsciiDigits(String digits) {
        assertThat(read(digits)).isEqualTo("0123456789");
    }

    @Test
    void invisibleCharactersAreNotRead() {
        String invisible = "\u200B\u200C\u200D\u2060\u00AD\uFEFF\u200E\u200F\u202A\u202C\u2066\u2069\u180E\u2062\uFE0F\u3164\u034F"
                + "\u0000\u0007\u007F\uDB40\uDC41\u2065\uFFF0\uFFF8\uDB40\uDC80\uDB43\uDFFF\uD834\uDD73";
        assertThat(read("41" + invisible + "11")).isEqualTo("4111");
    }

    @Test
    void nextLineIsALineBreakNotAnInvisibleCharacter() {
        assertThat(read("ref 1234\u00855678")).isEqualTo("ref 1234\n5678");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\u24EA\u2460\u2461\u2462\u2463\u2464\u2465\u2466\u2467\u2468",      // circled
            "\u24FF\u2776\u2777\u2778\u2779\u277A\u277B\u277C\u277D\u277E",      // negative circled (dingbat)
            "\uD83C\uDD0B\u2780\u2781\u2782\u2783\u2784\u2785\u2786\u2787\u2788", // sans-serif circled (dingbat)
            "\u24EA\u24F5\u24F6\u24F7\u24F8\u24F9\u24FA\u24FB\u24FC\u24FD",      // double circled
            "\u24EA\u2474\u2475\u2476\u2477\u2478\u2479\u247A\u247B\u247C",      // parenthesised: NFKC gives "(1)"
            "\uD83C\uDD00\u2488\u2489\u248A\u248B\u248C\u248D\u248E\u248F\u2490", // full stop: NFKC gives "1."
            "\uD83C\uDD01\uD83C\uDD02\uD83C\uDD03\uD83C\uDD04\uD83C\uDD05\uD83C\uDD06\uD83C\uDD07\uD83C\uDD08"
                    + "\uD83C\uDD09\uD83C\uDD0A"})                                            // digit comma: NFKC gives "1,"
    void numeralsThatStandForADigitReadAsThatDigitAlone(String digits) {
        assertThat(read(digits)).isEqualTo("0123456789");
    }

    @Test
    void arabicAndIdeographicSeparatorsReadAsCommasAndFullStops() {
        assertThat(read("1\u066C2\u066B3\u060C4\u30015\u30026\uFF0C7\uFF618\uFE529")).isEqualTo("1,2.3,4,5.6,7.8.9");
    }

    @Test
    void aTextThatExpandsIsReadAtItsLength() {
        assertThat(read("\u3300".repeat(3) + "1")).isEqualTo("\u30A2\u30D1\u30FC\u30C8".repeat(3) + "1");
    }

    @Test
    void spacesDashesDotsAndSlashesOfEveryKindReadPlainly() {
        assertThat(read("a\u00A0b\u202Fc\u2007d\u3000e\u2009f")).isEqualTo("a b c d e f");
        assertThat(read("1\u20102\u20113\u20124\u20135\u20146\u22127\uFF0D8")).isEqualTo("1-2-3-4-5-6-7-8");
        assertThat(read("1\u00B72\uFF0E3\u20444\uFF0F5")).isEqualTo("1.2.3/4/5");
        assertThat(read("a\u2028b")).isEqualTo("a\nb");
    }

    @Test
    void fullWidthAndCompatibilityFormsReadAsTheirPlainOnes() {
        assertThat(read("ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ")).isEqualTo("alice@example.com");
        assertThat(read("alice\uFE6Bexample.com")).isEqualTo("alice@example.com");
        assertThat(read("①②③")).isEqualTo("123");
    }

    @Test
    void marksComposeIntoLettersAndDecorateNothingElse() {
        assertThat(read("caf\u0065\u0301")).isEqualTo("café");
        assertThat(read("4\u0301\u20DD1\u0336")).isEqualTo("41");
        assertThat(read("हिन्दी")).isEqualTo("हिन्दी");
    }

    @Test
    void aPileOfMarksIsReadInBoundedPieces() {
        assertThat(read("4" + "\u0301\u0316".repeat(20_000) + "2")).isEqualTo("42");
    }

    @Test
    void aLigatureSpelledOutAtLengthIsReadAsWritten() {
        assertThat(read("\uFDFA")).isEqualTo("\uFDFA");
        assertThat(read("⑽")).isEqualTo("(10)");
    }

    @Test
    void aFindInTheReadingCoversTheCharactersAsWrittenInvisibleOnesIncluded() {
        String text = "card ４１\u200B１１ 1111\u00AD1111 𝟏𝟏𝟏𝟏 thanks";
        NormalisedText reading = NormalisedText.of(text);
        assertThat(reading.text().toString()).isEqualTo("card 4111 11111111 1111 thanks");
        Detection found = reading.toOriginal(List.of(new Detection("CARD", 5, 23))).getFirst();
        assertThat(found.match(text)).isEqualTo("４１\u200B１１ 1111\u00AD1111 𝟏𝟏𝟏𝟏");
    }

    @Test
    void aPlaceInTheReadingIsThePlaceOfWhatGaveIt() {
        String text = "pay \u200B４１\u00AD１";
        NormalisedText reading = NormalisedText.of(text);
        assertThat(reading.text().toString()).isEqualTo("pay 411");
        assertThat(reading.originalIndex(4)).as("the first digit, after the invisible character before it").isEqualTo(5);
        assertThat(reading.originalIndex(6)).as("the last digit, after the soft hyphen").isEqualTo(8);
        assertThat(reading.originalIndex(7)).as("the end").isEqualTo(text.length());
    }
}
