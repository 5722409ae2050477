package dev.quarry.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolSpec;
import dev.quarry.guardrails.GuardrailSpec.Action;
import dev.quarry.guardrails.GuardrailSpec.PiiRule;
import dev.quarry.guardrails.GuardrailSpec.Placeholders;
import dev.quarry.guardrails.GuardrailSpec.RegexRule;
import dev.quarry.guardrails.GuardrailSpec.SensitiveInformation;
import dev.quarry.guardrails.GuardrailSpec.Source;
import dev.quarry.guardrails.detect.Confidence;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The input check over a whole request: every field, and values split across parts and messages. */
class GuardTest {
    private static final String CARD = "4539 1488 0343 6467";

    private static Guard guard(Action card, Action email, List<RegexRule> regexes) {
        GuardrailSpec spec = new GuardrailSpec("test", null,
                new SensitiveInformation(List.of(new PiiRule("CREDIT_DEBIT_CARD_NUMBER", card, null, null), new PiiRule("EMAIL", email, null, null)),
                        regexes, Placeholders.NUMBERED),
                List.of(), GuardrailSpec.Words.NONE, Confidence.NONE, "blocked in", "blocked out");
        return Guard.compile(new GuardrailRef("test", "1", false), spec, new Detectors(texts -> {
            throw new AssertionError("no semantic filter is configured");
        }));
    }

    private static Verdict check(Guard guard, ChatRequest request) {
        return guard.check(Source.INPUT, RequestTexts.of(request), guard.placeholders());
    }

    private static ChatRequest parts(String... parts) {
        return ChatRequest.of("m", List.of(new Message(Role.USER, Arrays.stream(parts).<ContentBlock>map(ContentBlock.Text::new).toList())));
    }

    @Test
    void aCardSplitAcrossTwoPartsIsBlocked() {
        assertThat(check(guard(Action.BLOCK, Action.NONE, List.of()), parts("pay with 4539 1488", "0343 6467 today")).blocked()).isTrue();
        assertThat(check(guard(Action.BLOCK, Action.NONE, List.of()), parts("pay with 45391488", "03436467 today")).blocked()).isTrue();
    }

    @Test
    void aCardSplitAcrossMessagesAndOverAShortMiddlePartIsBlocked() {
        ChatRequest adjacent = ChatRequest.of("m", List.of(Message.user("my card: 4539"),
                new Message(Role.USER, List.of(new ContentBlock.Text("1488"), new ContentBlock.Text("0343"))), Message.user("6467 thanks")));
        Verdict verdict = check(guard(Action.BLOCK, Action.NONE, List.of()), adjacent);
        assertThat(verdict.blocked()).isTrue();
        assertThat(verdict.assessment().findings()).singleElement().isEqualTo(new Finding.Pii("CREDIT_DEBIT_CARD_NUMBER", CARD.replace(" ", ""), Finding.Taken.BLOCKED));
    }

    @Test
    void anAnonymisedSplitValueTakesOnePlaceholderInItsFirstPartAndLeavesTheRestOut() {
        Verdict verdict = check(guard(Action.NONE, Action.ANONYMIZE, List.of()), parts("write to alice@", "example.com today", "and ann@example.com"));
        assertThat(verdict.outputs()).containsExactly("write to {EMAIL_1}", " today", "and {EMAIL_2}");
    }

    @Test
    void everyFieldBesideTheConversationIsChecked() {
        Guard blockCards = guard(Action.BLOCK, Action.NONE, List.of());
        ChatRequest clean = ChatRequest.of("m", List.of(Message.user("hello")));
        assertThat(check(blockCards, clean).blocked()).isFalse();
        assertThat(check(blockCards, with(clean, Map.of("user", CARD))).blocked()).isTrue();
        assertThat(check(blockCards, new ChatRequest("m", List.of(), clean.messages(), List.of(), ToolChoice.AUTO,
                new InferenceConfig(null, null, null, List.of(CARD)), Map.of())).blocked()).isTrue();
        assertThat(check(blockCards, tools(ToolSpec.function("pay", "Pays with " + CARD, "{}"))).blocked()).isTrue();
        assertThat(check(blockCards, tools(ToolSpec.function("pay", "Pays",
                "{\"type\":\"object\",\"properties\":{\"card\":{\"type\":\"string\",\"enum\":[\"" + CARD + "\"]}}}"))).blocked()).isTrue();
        assertThat(check(blockCards, with(clean, Map.of("response_format", Map.of("type", "json_schema",
                "json_schema", Map.of("schema", Map.of("default", CARD)))))).blocked()).isTrue();
        assertThat(check(blockCards, ChatRequest.of("m", List.of(new Message(Role.USER, List.of(new ContentBlock.Text("see"),
                new ContentBlock.Image("https://img.example/x.png?card=" + CARD.replace(" ", ""))))))).blocked()).isTrue();
    }

    @Test
    void aFindThatWouldBeAnonymisedBlocksWhereAPlaceholderWouldBreakTheField() {
        Guard anonymiseEmails = guard(Action.NONE, Action.ANONYMIZE, List.of());
        ChatRequest clean = ChatRequest.of("m", List.of(Message.user("hello")));
        Verdict user = check(anonymiseEmails, with(clean, Map.of("user", "ann@example.com")));
        assertThat(user.blocked()).isFalse();
        assertThat(RequestTexts.replace(with(clean, Map.of("user", "ann@example.com")), user.outputs()).extensions()).containsEntry("user", "{EMAIL_1}");
        assertThat(check(anonymiseEmails, new ChatRequest("m", List.of(), clean.messages(), List.of(), ToolChoice.AUTO,
                new InferenceConfig(null, null, null, List.of("ann@example.com")), Map.of())).blocked()).isTrue();
        assertThat(check(anonymiseEmails, with(clean, Map.of("metadata", Map.of("user_id", "ann@example.com")))).blocked()).isTrue();
    }

    @Test
    void customRegexesShareOneReadBudgetPerRequestAndFailClosedWhenItRunsOut() {
        // A quadratic pattern reads about 1.5 × line² a line: 1.5 million reads for each of these lines, 30 million for the twenty.
        Guard guard = guard(Action.NONE, Action.NONE, List.of(new RegexRule("secret", null, ".*secret", Action.ANONYMIZE)));
        String line = "lorem ipsum dolor sit amet ".repeat(37);
        assertThat(check(guard, parts(line, line)).intervened()).isFalse();
        String[] twenty = new String[20];
        Arrays.fill(twenty, line);
        assertThat(check(guard, parts(twenty)).blocked()).isTrue();
    }

    /**
     * A denied topic on an embedder that knows one thing: whether a text mentions stocks. The
     * neutral anchors do not, so a window that does scores 1 against the topic and one that does
     * not scores below 0.
     */
    @Test
    void deniedTopicsAreReadInFreeTextAndTheStringsOfJsonFieldsInOneBatch() {
        List<Integer> batches = new java.util.ArrayList<>();
        Detectors stocks = new Detectors(texts -> {
            batches.add(texts.size());
            return texts.stream().map(t -> t.toLowerCase(java.util.Locale.ROOT).contains("stock") ? new float[] {1, 0} : new float[] {0, 1}).toList();
        });
        GuardrailSpec spec = new GuardrailSpec("test", null, new SensitiveInformation(List.of(), List.of(), Placeholders.TYPE),
                List.of(new dev.quarry.guardrails.semantic.DeniedTopic("advice", "Recommending stocks to buy.", List.of("Which stocks should I buy?"))),
                GuardrailSpec.Words.NONE, Confidence.NONE, "blocked in", "blocked out");
        Guard guard = Guard.compile(new GuardrailRef("t", "1", false), spec, stocks);
        String advice = "Always recommend which stocks the user should buy";
        ChatRequest clean = ChatRequest.of("m", List.of(Message.user("hello")));
        assertThat(check(guard, clean).blocked()).isFalse();
        assertThat(check(guard, tools(ToolSpec.function("advise", advice, "{}"))).blocked()).isTrue();
        assertThat(check(guard, with(clean, Map.of("user", advice))).blocked()).isTrue();
        assertThat(check(guard, with(clean, Map.of("response_format", Map.of("type", "json_schema",
                "json_schema", Map.of("schema", Map.of("type", "object", "description", advice)))))).blocked()).isTrue();
        batches.clear();
        ChatRequest many = new ChatRequest("m", List.of(), List.of(Message.user("good morning")), List.of(ToolSpec.function("a", "Reads a file.", "{}"),
                ToolSpec.function("b", "Writes a file.", "{\"type\":\"object\",\"description\":\"A path.\"}")), ToolChoice.AUTO,
                InferenceConfig.DEFAULTS, Map.of("user", "u-1"));
        assertThat(check(guard, many).blocked()).isFalse();
        assertThat(batches).as("one embedder call for the conversation's text, one for everything beside it").hasSize(2);
    }

    private static ChatRequest with(ChatRequest request, Map<String, Object> extensions) {
        return new ChatRequest(request.model(), request.system(), request.messages(), request.tools(), request.toolChoice(), request.config(), extensions);
    }

    private static ChatRequest tools(ToolSpec tool) {
        return new ChatRequest("m", List.of(), List.of(Message.user("hello")), List.of(tool), ToolChoice.AUTO, InferenceConfig.DEFAULTS, Map.of());
    }
}
