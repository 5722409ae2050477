package dev.quarry.guardrails.words;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.guardrails.detect.Detection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The word filter's laws, over random lists and texts. */
class WordListPropertiesTest {
    private static final String SEPARATORS = " \n\t-_.,;:!?/()'\"";

    @Property
    void aListedPhraseIsFoundWhateverSeparatesAndCasesItsWords(@ForAll("phrases") List<String> words,
                                                               @ForAll("separators") List<String> gaps,
                                                               @ForAll("otherWords") String before, @ForAll("otherWords") String after,
                                                               @ForAll boolean upper) {
        WordList list = WordList.custom(List.of(String.join(" ", words)));
        StringBuilder written = new StringBuilder(words.getFirst());
        for (int i = 1; i < words.size(); i++) written.append(gaps.get(i % gaps.size())).append(words.get(i));
        String phrase = upper ? written.toString().toUpperCase(Locale.ROOT) : written.toString();
        String text = before + " " + phrase + " " + after;

        int start = before.length() + 1;
        assertThat(list.find(text)).contains(new Detection("CUSTOM", start, start + phrase.length()));
    }

    @Property
    void detectionsAreInOrderDisjointOnWordBoundariesAndListed(@ForAll("phrases") List<String> words, @ForAll("texts") String text) {
        Set<String> listed = words.stream().collect(Collectors.toSet());
        WordList list = WordList.custom(List.copyOf(listed));
        List<Detection> found = list.find(text);

        for (int i = 1; i < found.size(); i++) assertThat(found.get(i).start()).isGreaterThanOrEqualTo(found.get(i - 1).end());
        for (Detection d : found) {
            assertThat(d.start() == 0 || !Character.isLetterOrDigit(text.charAt(d.start() - 1))).isTrue();
            assertThat(d.end() == text.length() || !Character.isLetterOrDigit(text.charAt(d.end()))).isTrue();
            assertThat(listed).contains(d.match(text).toLowerCase(Locale.ROOT));
            assertThat(d.end() - d.start()).isLessThanOrEqualTo(list.maxSpan());
        }
    }

    @Property
    void profanityIsFoundOnlyOnWordBoundaries(@ForAll("texts") String text) {
        for (Detection d : WordList.profanity().find(text)) {
            assertThat(d.start() == 0 || !Character.isLetterOrDigit(text.charAt(d.start() - 1))).isTrue();
            assertThat(d.end() == text.length() || !Character.isLetterOrDigit(text.charAt(d.end()))).isTrue();
        }
    }

    /** One to three words from a small alphabet, so that random texts often contain them. */
    @Provide
    Arbitrary<List<String>> phrases() {
        return Arbitraries.strings().withChars("abs").ofMinLength(1).ofMaxLength(3).list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<String>> separators() {
        return Arbitraries.strings().withChars(SEPARATORS).ofMinLength(1).ofMaxLength(WordList.MAX_GAP).list().ofMinSize(1).ofMaxSize(3);
    }

    /** Text that shares no letter with {@link #phrases}, so the phrase cannot start or end in it. */
    @Provide
    Arbitrary<String> otherWords() {
        return Arbitraries.strings().withChars("xyz 1-\n").ofMaxLength(20);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withChars("abs 1-\nASé").ofMaxLength(40);
    }
}
