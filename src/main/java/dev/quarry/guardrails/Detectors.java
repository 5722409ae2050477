package dev.quarry.guardrails;

import dev.quarry.guardrails.detect.Embedder;
import dev.quarry.guardrails.detect.NormalisingDetector;
import dev.quarry.guardrails.detect.PatternDetector;
import dev.quarry.guardrails.semantic.DeniedTopic;
import dev.quarry.guardrails.semantic.PromptAttackFilter;
import dev.quarry.guardrails.semantic.TopicFilter;
import dev.quarry.guardrails.words.WordList;
import java.util.List;

/**
 * Builds the detectors guardrails share or need the embedding model for. The prompt-attack filter
 * embeds its built-in examples once, and only when a guardrail first asks for it, so a server
 * whose guardrails use patterns only never loads the model.
 */
public final class Detectors {
    private final Embedder embedder;
    private volatile PromptAttackFilter attacks;

    public Detectors(Embedder embedder) {
        this.embedder = new RecentEmbeddings(embedder);
    }

    TopicFilter topics(List<DeniedTopic> topics) {
        return new TopicFilter(topics, embedder);
    }

    PromptAttackFilter promptAttacks() {
        PromptAttackFilter filter = attacks;
        if (filter == null) {
            synchronized (this) {
                if (attacks == null) attacks = new PromptAttackFilter(embedder);
                filter = attacks;
            }
        }
        return filter;
    }

    /** Word lists read the text as a person does, like the PII detectors: "night\u200Bjar" and full-width letters hide no word. */
    PatternDetector customWords(List<String> words) {
        return new NormalisingDetector(WordList.custom(words));
    }

    PatternDetector profanity() {
        return new NormalisingDetector(WordList.profanity());
    }
}
