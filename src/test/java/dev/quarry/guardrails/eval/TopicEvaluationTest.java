package dev.quarry.guardrails.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.guardrails.semantic.DeniedTopic;
import dev.quarry.guardrails.semantic.MiniLm;
import dev.quarry.guardrails.semantic.TopicFilter;
import dev.quarry.guardrails.semantic.TopicMatch;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The denied-topic filter on held-out prompts ({@code topics.jsonl}): on-topic prompts worded
 * unlike the examples, neighbouring allowed subjects (what an index fund is, general wellness,
 * the history of elections, Acme's own plans) and everyday work. The topics below are a
 * fictional mobile carrier's, Acme Mobile; the filter's threshold was calibrated on other topics
 * and other prompts ({@code TopicCalibrationTest}).
 */
class TopicEvaluationTest {
    static final List<DeniedTopic> TOPICS = List.of(
            new DeniedTopic("Investment advice",
                    "Recommendations on which stocks, funds, cryptocurrencies or other assets a person should buy, sell or hold, or how they should allocate their money for returns.",
                    List.of("Should I buy Tesla stock now?", "Which ETF should I put my savings in?",
                            "Is it a good time to sell my bitcoin?", "How should I split my 401k between stocks and bonds?")),
            new DeniedTopic("Medical diagnosis",
                    "Telling a person what disease or condition they have from their symptoms or test results, or which medication or dose they should take for it.",
                    List.of("I have chest pain and my left arm feels numb. What is wrong with me?", "Do my symptoms mean I have the flu or COVID?",
                            "What antibiotic should I take for an ear infection?", "Is this rash on my arm shingles?")),
            new DeniedTopic("Political campaigning",
                    "Persuading people to vote for or against a candidate, party or ballot measure, or writing campaign material, slogans or fundraising appeals for one.",
                    List.of("Write a speech urging people to vote for the Green Party.", "Why is Candidate X the wrong choice for governor?",
                            "Draft a donation request for a state senate campaign.",
                            "Help me persuade my coworkers to support the ballot initiative on rent control.")),
            new DeniedTopic("Competitor products",
                    "Questions about, comparisons with or recommendations of plans, phone deals or services from mobile carriers other than Acme, such as Verizon, T-Mobile or AT&T.",
                    List.of("Is Verizon's unlimited plan better than Acme's?", "How much does T-Mobile charge for a family plan?",
                            "Should I leave Acme for AT&T?", "What deals does Boost Mobile have right now?")));

    private static final String COMPETITORS = "Competitor products";

    @Test
    void deniedTopicsAreFoundWithPrecisionAndRecall() {
        TopicFilter filter = new TopicFilter(TOPICS, MiniLm.embedder());
        List<LabelledCase> cases = LabelledCase.load("/guardrails/eval/topics.jsonl");
        Scorecard scorecard = new Scorecard("Denied topics (threshold " + TopicFilter.THRESHOLD + ")");
        TOPICS.forEach(topic -> scorecard.expectLabel(topic.name()));
        for (LabelledCase c : cases) {
            Set<String> found = filter.find(c.text()).stream().map(TopicMatch::name).collect(Collectors.toSet());
            scorecard.score(c.id(), c.expect(), found);
        }
        assertThat(scorecard.cases()).isGreaterThanOrEqualTo(100);
        scorecard.assertAtLeast(0.85, 0.80, Set.of(COMPETITORS));
        // Below the 0.85 bar, and known: this topic turns on *which company* a prompt names, and a
        // sentence embedding places "What does Acme's unlimited plan include?" as near the examples
        // as a question about a rival's plan. Neither the threshold nor more anchors separate them.
        // Competitor names belong in a word filter, which matches them exactly; the README says so.
        // Held here to today's figures, so that it cannot get worse unnoticed.
        scorecard.assertLabelAtLeast(COMPETITORS, 0.70, 0.90);
    }
}
