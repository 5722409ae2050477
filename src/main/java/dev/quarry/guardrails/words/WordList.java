package dev.quarry.guardrails.words;

import dev.quarry.guardrails.detect.Detection;
import dev.quarry.guardrails.detect.PatternDetector;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A word filter: finds the listed words and phrases in a text, as whole words and in any case.
 * A phrase matches whatever separates its words in the text (spaces, a line break, a hyphen, an
 * underscore), up to {@value #MAX_GAP} characters of it: a phrase whose words are further apart is
 * no longer read as one. Inflections are not guessed; list each form that should match.
 */
public final class WordList implements PatternDetector {
    /** Bedrock's limit on {@code wordsConfig}. */
    public static final int MAX_WORDS = 10_000;
    /** Bedrock's limit on one {@code wordsConfig[].text}. */
    public static final int MAX_WORD_LENGTH = 100;
    /** The most characters between two words of a phrase; it keeps {@link #maxSpan} finite. */
    public static final int MAX_GAP = 20;

    private final String type;
    private final Spelling spelling;
    private final PhraseTrie phrases = new PhraseTrie();
    private final int maxSpan;

    private WordList(String type, Spelling spelling, List<String> words) {
        this.type = type;
        this.spelling = spelling;
        if (words.size() > MAX_WORDS) {
            throw new IllegalArgumentException(words.size() + " words: a word list may have at most " + MAX_WORDS);
        }
        int longest = 0;
        for (int i = 0; i < words.size(); i++) {
            List<String> parts = parts(words, i);
            phrases.add(parts);
            longest = Math.max(longest, span(parts));
        }
        this.maxSpan = longest;
    }

    /** A list of custom words and phrases, {@code wordsConfig}; its detections are of type {@code CUSTOM}. */
    public static WordList custom(List<String> words) {
        return new WordList("CUSTOM", Spelling.EXACT, words);
    }

    /**
     * The managed profanity list, {@code managedWordListsConfig[{type: PROFANITY}]}: English
     * obscenities and slurs with their inflections, also when spelled with digits for letters or
     * drawn out. One shared instance, read on first use.
     */
    public static WordList profanity() {
        return Profanity.LIST;
    }

    /** Holder: the resource is read once, on the first call to {@link #profanity()}. */
    private static final class Profanity {
        private static final String RESOURCE = "profanity.txt";
        static final WordList LIST = new WordList("PROFANITY", Spelling.DISGUISED, load());

        private static List<String> load() {
            try (InputStream in = Objects.requireNonNull(WordList.class.getResourceAsStream(RESOURCE),
                    RESOURCE + " is missing from the class path");
                 BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                return reader.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + RESOURCE, e);
            }
        }
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public List<Detection> find(CharSequence text) {
        List<Token> tokens = Token.split(text);
        List<List<String>> readings = tokens.stream().map(t -> spelling.readings(t.key())).toList();
        List<Detection> found = new ArrayList<>();
        for (int i = 0; i < tokens.size(); ) {
            int last = phrases.longestMatch(tokens, readings, i, MAX_GAP);
            if (last < 0) {
                i++;
            } else {
                found.add(new Detection(type, tokens.get(i).start(), tokens.get(last).end()));
                i = last + 1;
            }
        }
        return found;
    }

    /**
     * The longest listed phrase as it may appear in a text (drawn out, with {@value #MAX_GAP}
     * characters between its words), plus one character either side: a stream must see the
     * character after "ass" to know it is not the start of "assess".
     */
    @Override
    public int maxSpan() {
        return maxSpan;
    }

    /** Lower case never makes a word shorter, so a listed word's length bounds the text's word that matches it. */
    private int span(List<String> parts) {
        int letters = parts.stream().mapToInt(p -> spelling.longestToken(p.length())).sum();
        return letters + (parts.size() - 1) * MAX_GAP + 2;
    }

    /** The words of {@code words[index]}, in lower case; throws if it is not a word a text could contain. */
    private static List<String> parts(List<String> words, int index) {
        String word = words.get(index);
        if (word == null || word.isBlank()) throw invalid(index, "is empty");
        if (word.length() > MAX_WORD_LENGTH) {
            throw invalid(index, "is " + word.length() + " characters long; at most " + MAX_WORD_LENGTH + " are allowed");
        }
        List<String> parts = Token.split(word).stream().map(Token::key).toList();
        if (parts.isEmpty()) throw invalid(index, "(\"" + word + "\") has no letter or digit, so it can never match a word");
        return parts;
    }

    private static IllegalArgumentException invalid(int index, String problem) {
        return new IllegalArgumentException("words[" + index + "] " + problem);
    }
}
