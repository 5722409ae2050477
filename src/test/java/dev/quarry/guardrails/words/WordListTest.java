package dev.quarry.guardrails.words;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.guardrails.detect.Detection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WordListTest {
    private static final WordList CODE_NAMES = WordList.custom(List.of("bluefin", "Project Nightjar", "O'Brien", "R2D2"));
    private static final WordList PROFANITY = WordList.profanity();

    private static List<String> matches(WordList list, String text) {
        return list.find(text).stream().map(d -> d.match(text)).toList();
    }

    @Test
    void matchesWholeWordsInAnyCaseAndReportsTheirSpans() {
        String text = "BLUEFIN ships; Bluefin's roadmap, not bluefins or bluefin2.";
        assertThat(CODE_NAMES.find(text)).containsExactly(new Detection("CUSTOM", 0, 7), new Detection("CUSTOM", 15, 22));
    }

    @Test
    void spansAreInTheOriginalTextWhateverCameBefore() {
        String text = "Ünïcödé 🙂 İstanbul, then bluefin";
        assertThat(matches(CODE_NAMES, text)).containsExactly("bluefin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Project Nightjar", "project\nnightjar", "PROJECT -- Nightjar", "project_nightjar",
            "Project\r\n\r\n\tNightjar", "(project)...(nightjar)"})
    void aPhraseMatchesAcrossAnySeparator(String written) {
        String text = "see " + written + " for details";
        assertThat(matches(CODE_NAMES, text)).containsExactly(written.replaceAll("^\\(|\\)$", ""));
    }

    @Test
    void aPhraseDoesNotMatchRunTogetherOrFarApart() {
        assertThat(CODE_NAMES.find("ProjectNightjar")).isEmpty();
        assertThat(CODE_NAMES.find("Project" + " ".repeat(WordList.MAX_GAP + 1) + "Nightjar")).isEmpty();
        assertThat(CODE_NAMES.find("Project" + " ".repeat(WordList.MAX_GAP) + "Nightjar")).hasSize(1);
    }

    @Test
    void punctuationInsideAListedWordIsASeparatorToo() {
        assertThat(matches(CODE_NAMES, "ask o'brien or O BRIEN")).containsExactly("o'brien", "O BRIEN");
    }

    @Test
    void theLongestPhraseWinsAndMatchesDoNotOverlap() {
        WordList list = WordList.custom(List.of("project", "project nightjar", "nightjar launch"));
        assertThat(matches(list, "Project Nightjar launch, project launch")).containsExactly("Project Nightjar", "project");
    }

    @Test
    void customWordsAreReadAsWrittenNotAsDisguises() {
        assertThat(matches(CODE_NAMES, "r2d2 and R2-D2 and b1uefin and bluuuefin")).containsExactly("r2d2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"class", "Scunthorpe", "cocktail", "assess", "therapist", "passage", "bass", "Essex", "shiitake",
            "Dick Cheney", "a stopcock", "hell and damn", "crap", "assassin", "bitcoin", "shitake", "Penistone", "the A55 road",
            "git commit", "cum laude", "flame retardant", "blue tit", "buttress", "Sussex", "grape", "analysis", "document"})
    void ordinaryWordsAreNotProfanity(String text) {
        assertThat(PROFANITY.find(text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fuck", "Fucking", "MOTHERFUCKERS", "bullshitting", "asshole", "dickhead", "wankers", "son of a bitch"})
    void profanityAndItsListedInflectionsMatch(String word) {
        assertThat(matches(PROFANITY, "well " + word + ", then")).containsExactly(word);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh1t", "b1tch", "a55hole", "fuuuuuck", "SHIIIIT", "asssss", "f4ggot", "bulllshiiit", "fuuuuckinggg"})
    void digitsForLettersAndDrawnOutLettersAreSeenThrough(String word) {
        assertThat(matches(PROFANITY, "oh " + word + "!")).containsExactly(word);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a55", "5hi", "sooo", "helllo", "zzzz", "f*ck", "sh!t"})
    void disguisesAreReadOnlyWhereTheyAreUnambiguous(String word) {
        assertThat(PROFANITY.find("oh " + word + " there")).isEmpty();
    }

    @Test
    void aPhraseOfTheListIsReportedWhole() {
        assertThat(matches(PROFANITY, "you son-of-a-bitch")).containsExactly("son-of-a-bitch");
    }

    @Test
    void everyEntryOfTheProfanityListMatchesItself() throws IOException {
        for (String entry : profanityEntries()) {
            assertThat(PROFANITY.find(entry)).as(entry).containsExactly(new Detection("PROFANITY", 0, entry.length()));
        }
    }

    @Test
    void theProfanityListIsLoadedOnce() {
        assertThat(WordList.profanity()).isSameAs(PROFANITY);
        assertThat(PROFANITY.type()).isEqualTo("PROFANITY");
        assertThat(CODE_NAMES.type()).isEqualTo("CUSTOM");
    }

    @Test
    void maxSpanCoversTheLongestPhraseItsGapsAndABoundaryEitherSide() {
        assertThat(WordList.custom(List.of("bluefin")).maxSpan()).isEqualTo(7 + 2);
        assertThat(WordList.custom(List.of("bluefin", "Project Nightjar")).maxSpan()).isEqualTo(7 + 8 + WordList.MAX_GAP + 2);
        String drawnOut = "f" + "u".repeat(30) + "ck";
        assertThat(PROFANITY.maxSpan()).isGreaterThanOrEqualTo(drawnOut.length() + 2);
        assertThat(PROFANITY.find(drawnOut)).hasSize(1);
    }

    @Test
    void emptyBlankTooLongAndUnmatchableWordsAreRefusedByIndex() {
        assertThatThrownBy(() -> WordList.custom(List.of("ok", ""))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("words[1] is empty");
        assertThatThrownBy(() -> WordList.custom(List.of("  \t"))).hasMessage("words[0] is empty");
        assertThatThrownBy(() -> WordList.custom(Arrays.asList("ok", null))).hasMessage("words[1] is empty");
        assertThatThrownBy(() -> WordList.custom(List.of("a", "b", "x".repeat(101))))
                .hasMessage("words[2] is 101 characters long; at most 100 are allowed");
        assertThatThrownBy(() -> WordList.custom(List.of("!!!")))
                .hasMessage("words[0] (\"!!!\") has no letter or digit, so it can never match a word");
        assertThat(WordList.custom(List.of("x".repeat(100))).find("x".repeat(100))).hasSize(1);
    }

    @Test
    void atMostTenThousandWords() {
        assertThat(WordList.custom(Collections.nCopies(WordList.MAX_WORDS, "word")).find("a word")).hasSize(1);
        assertThatThrownBy(() -> WordList.custom(Collections.nCopies(WordList.MAX_WORDS + 1, "word")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("10001 words: a word list may have at most 10000");
    }

    @Test
    void aLargeListCostsNoMoreThanASmallOne() {
        List<String> many = IntStream.range(0, WordList.MAX_WORDS).mapToObj(i -> "codename" + i + " alpha").toList();
        WordList list = WordList.custom(many);
        String text = "ordinary words and codename9999 alpha ".repeat(5_000);
        assertThat(list.find(text)).hasSize(5_000);
    }

    private static List<String> profanityEntries() throws IOException {
        try (InputStream in = WordList.class.getResourceAsStream("profanity.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        }
    }
}
