package dev.quarry.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.ToolSpec;
import dev.quarry.canonical.Usage;
import dev.quarry.provider.wire.CustomToolFixture;
import dev.quarry.provider.wire.CustomTools;
import dev.quarry.provider.wire.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract every provider passes against a stub of its upstream: answers stream as well-formed
 * canonical events that fold to the scripted answer, tool calls go out and their results come back,
 * usage is reported, stop reasons and upstream failures map to the canonical ones.
 *
 * <p>A subclass supplies the provider, configured against its stub, and scripts the stub's next
 * answer through the hooks; each hook describes the answer, the wire format is the stub's business.
 */
public abstract class ProviderContractTest {
    public static final String MODEL = "contract-model";
    public static final Duration RETRY_AFTER = Duration.ofSeconds(7);
    private static final ToolSpec WEATHER = ToolSpec.function("get_weather", "The weather in a city.",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

    /** Upstream failures every upstream can answer with, and the canonical error each must become. */
    public enum UpstreamFailure {
        /** HTTP 429 with {@code Retry-After: 7}. */
        RATE_LIMITED(ErrorKind.RATE_LIMITED),
        /** HTTP 500 or the upstream's "overloaded". */
        SERVER_ERROR(ErrorKind.UPSTREAM_UNAVAILABLE),
        /** HTTP 401: Quarry's key for the upstream is wrong, which is not the client's fault. */
        BAD_CREDENTIALS(ErrorKind.UPSTREAM_ERROR),
        /** The prompt does not fit the model's context window. */
        CONTEXT_TOO_LONG(ErrorKind.CONTEXT_WINDOW_EXCEEDED),
        /** Any other HTTP 400. */
        BAD_REQUEST(ErrorKind.INVALID_REQUEST);

        private final ErrorKind kind;

        UpstreamFailure(ErrorKind kind) {
            this.kind = kind;
        }

        public ErrorKind kind() {
            return kind;
        }
    }

    /** The provider under test, pointing at the stub; the kit asks it for {@link #MODEL}. */
    protected abstract Provider provider();

    /** Tells the stub how to answer the next call; the stub renders it in its upstream's wire format. */
    protected abstract void script(UpstreamScript script);

    /** How many frames of a stream the stub sends before it hangs up mid-answer. */
    protected abstract int framesBeforeHangUp();

    protected void answerWithText(String text) {
        script(UpstreamScript.answer(UpstreamScript.text(text)));
    }

    protected void answerWithToolCall(String id, String name, String arguments) {
        script(UpstreamScript.answer(UpstreamScript.toolCall(id, name, arguments)));
    }

    /**
     * Scripts an answer that calls custom tool {@code name} with raw {@code input}, as this upstream's
     * model does: by default as a call of the function form Quarry gives a custom tool on upstreams
     * with only JSON tools, the input as its one string argument.
     */
    protected void answerWithCustomToolCall(String id, String name, String input) {
        answerWithToolCall(id, name, Json.object().put(CustomTools.ARGUMENT, input).toString());
    }

    /** Whether this upstream gets custom tools as functions (every upstream but OpenAI Responses). */
    protected boolean customToolsTravelAsFunctions() {
        return true;
    }

    protected void answerTruncated(String text) {
        script(UpstreamScript.truncated(UpstreamScript.text(text)));
    }

    protected void answerCutShort(String text) {
        script(UpstreamScript.cutAfter(framesBeforeHangUp(), UpstreamScript.text(text)));
    }

    protected void failWith(UpstreamFailure failure) {
        script(new UpstreamScript.Failure(failure));
    }

    protected void answerWithStreamedOverload() {
        script(new UpstreamScript.StreamedOverload());
    }

    /** The usage every scripted answer reports, in canonical terms. */
    protected abstract Usage scriptedUsage();

    /** The body of the last request the stub received, as sent. */
    protected abstract String lastRequestBody();

    @Test
    public void textStreamsInPiecesThatFoldToTheWholeAnswer() {
        String text = "The quick brown fox jumps over the lazy dog.";
        answerWithText(text);

        List<StreamEvent> events = events(ChatRequest.of(MODEL, List.of(Message.user("Say the pangram."))));

        StreamRules.assertWellFormed(events);
        if (clientStreams()) assertThat(events).filteredOn(StreamEvent.TextDelta.class::isInstance).hasSizeGreaterThan(1);
        ChatResponse answer = Fold.of(EventStream.of(events));
        assertThat(answer.text()).isEqualTo(text);
        assertThat(answer.stopReason()).isEqualTo(StopReason.END_TURN);
    }

    @Test
    public void usageIsReportedWithCachedTokensApart() {
        answerWithText("Hi.");

        ChatResponse answer = Fold.of(provider().stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))));

        assertThat(answer.usage()).isEqualTo(scriptedUsage());
    }

    @Test
    public void toolCallsComeBackAsToolUseBlocks() {
        answerWithToolCall("call_7", "get_weather", "{\"city\":\"Paris\"}");

        List<StreamEvent> events = events(withWeatherTool(List.of(Message.user("Weather in Paris?"))));

        StreamRules.assertWellFormed(events);
        ChatResponse answer = Fold.of(EventStream.of(events));
        assertThat(answer.toolUses()).containsExactly(
                new ContentBlock.ToolUse("call_7", "get_weather", "{\"city\":\"Paris\"}", ToolKind.FUNCTION));
        assertThat(answer.stopReason()).isEqualTo(StopReason.TOOL_USE);
    }

    @Test
    public void callsOfAFreeFormToolComeBackAsCustomToolUseWithTheRawInput() {
        answerWithCustomToolCall("call_p", "apply_patch", CustomToolFixture.PATCH);

        List<StreamEvent> events = events(CustomToolFixture.request(MODEL));

        StreamRules.assertWellFormed(events);
        assertThat(events).filteredOn(StreamEvent.BlockStart.class::isInstance).map(e -> ((StreamEvent.BlockStart) e).block())
                .filteredOn(ContentBlock.ToolUse.class::isInstance).containsExactly(new ContentBlock.ToolUse("call_p", "apply_patch", "", ToolKind.CUSTOM));
        ChatResponse answer = Fold.of(EventStream.of(events));
        assertThat(answer.toolUses()).containsExactly(new ContentBlock.ToolUse("call_p", "apply_patch", CustomToolFixture.PATCH, ToolKind.CUSTOM));
        assertThat(answer.stopReason()).isEqualTo(StopReason.TOOL_USE);
        assertThat(lastRequestBody()).contains("apply_patch", "call_1", "Done.");
    }

    @Test
    public void aFreeFormToolCalledWithArgumentsOfAnotherShapeComesBackWithTheArgumentsAsItsInput() {
        assumeTrue(customToolsTravelAsFunctions(), "this upstream calls custom tools with raw text");
        answerWithToolCall("call_p", "apply_patch", "{\"patch\":\"*** Begin Patch\"}");

        ChatResponse answer = Fold.of(provider().stream(call(CustomToolFixture.request(MODEL))));

        assertThat(answer.toolUses()).containsExactly(
                new ContentBlock.ToolUse("call_p", "apply_patch", "{\"patch\":\"*** Begin Patch\"}", ToolKind.CUSTOM));
    }

    @Test
    public void toolResultsGoBackToTheUpstreamWithTheirCallId() {
        answerWithText("It is sunny in Paris.");
        List<Message> conversation = List.of(
                Message.user("Weather in Paris?"),
                new Message(Role.ASSISTANT, List.of(new ContentBlock.ToolUse("call_7", "get_weather", "{\"city\":\"Paris\"}", ToolKind.FUNCTION))),
                new Message(Role.USER, List.of(new ContentBlock.ToolResult("call_7", List.of(new ContentBlock.Text("18 C, sunny")), false))));

        ChatResponse answer = Fold.of(provider().stream(call(withWeatherTool(conversation))));

        assertThat(answer.text()).isEqualTo("It is sunny in Paris.");
        assertThat(lastRequestBody()).contains("call_7", "get_weather", "18 C, sunny");
    }

    @Test
    public void anAnswerCutByTheTokenLimitStopsWithMaxTokens() {
        answerTruncated("The beginning of a long");
        ChatRequest request = new ChatRequest(MODEL, List.of(), List.of(Message.user("Tell a long story.")), List.of(),
                ToolChoice.AUTO, new InferenceConfig(5, null, null, List.of()), Map.of());

        List<StreamEvent> events = events(request);

        StreamRules.assertWellFormed(events);
        ChatResponse answer = Fold.of(EventStream.of(events));
        assertThat(answer.text()).isEqualTo("The beginning of a long");
        assertThat(answer.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
    }

    @Test
    public void aStreamTheUpstreamBreaksOffFailsInsteadOfEndingQuietly() {
        answerCutShort("This answer will never be finished.");

        assertThatThrownBy(() -> Fold.of(provider().stream(call(ChatRequest.of(MODEL, List.of(Message.user("Go.")))))))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                    assertThat(e.getMessage()).contains(provider().name()).contains("ended before the answer was complete");
                });
    }

    @ParameterizedTest
    @EnumSource(UpstreamFailure.class)
    public void upstreamFailuresAreThrownAtTheCallAsTheirCanonicalKind(UpstreamFailure failure) {
        failWith(failure);

        assertThatThrownBy(() -> provider().stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(failure.kind()));
    }

    @Test
    public void anErrorStreamedAfterTheCallWasAcceptedIsThrownAsItsKind() {
        answerWithStreamedOverload();

        assertThatThrownBy(() -> Fold.of(provider().stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello.")))))))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
                    assertThat(e.getMessage()).contains(provider().name());
                });
    }

    @Test
    public void rateLimitsCarryTheUpstreamsRetryAfter() {
        failWith(UpstreamFailure.RATE_LIMITED);

        assertThatThrownBy(() -> provider().stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.error().retryAfter()).isEqualTo(RETRY_AFTER));
    }

    @Test
    public void rejectedUpstreamCredentialsAreBlamedOnTheProviderNotTheClient() {
        failWith(UpstreamFailure.BAD_CREDENTIALS);

        assertThatThrownBy(() -> provider().stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isNotEqualTo(ErrorKind.AUTHENTICATION);
                    assertThat(e.getMessage()).contains(provider().name()).containsIgnoringCase("credentials");
                });
    }

    protected ProviderCall call(ChatRequest request) {
        return new ProviderCall(request, MODEL, clientStreams());
    }

    /** Whether the kit's calls are for a client that streams; a provider may ask its upstream for a whole answer when not. */
    protected boolean clientStreams() {
        return true;
    }

    protected static ChatRequest withWeatherTool(List<Message> messages) {
        return new ChatRequest(MODEL, List.of(), messages, List.of(WEATHER), ToolChoice.AUTO, null, Map.of());
    }

    /** Streams a call to the end and returns its events. */
    protected List<StreamEvent> events(ChatRequest request) {
        List<StreamEvent> events = new ArrayList<>();
        try (EventStream stream = provider().stream(call(request))) {
            stream.forEachRemaining(events::add);
        }
        return events;
    }

    /** The well-formedness rules of {@link StreamEvent}, as a checker that names the first rule an event stream breaks. */
    public static final class StreamRules {
        private StreamRules() {}

        public static void assertWellFormed(List<StreamEvent> events) {
            assertThat(violation(events)).as("rule broken by %s", events).isNull();
        }

        /** The first broken rule, or {@code null} when the events are well-formed. */
        public static String violation(List<StreamEvent> events) {
            if (events.isEmpty() || !(events.getFirst() instanceof StreamEvent.MessageStart)) return "the first event is not MessageStart";
            ContentBlock open = null;
            int openIndex = -1;
            int nextIndex = 0;
            boolean usageSeen = false;
            for (int i = 1; i < events.size(); i++) {
                StreamEvent event = events.get(i);
                String at = "event " + i + " (" + event + ")";
                switch (event) {
                    case StreamEvent.MessageStart _ -> {
                        return at + ": a second MessageStart";
                    }
                    case StreamEvent.BlockStart start -> {
                        if (open != null) return at + ": block " + openIndex + " is still open";
                        if (usageSeen) return at + ": a block after a UsageReport";
                        if (start.index() != nextIndex) return at + ": expected block " + nextIndex;
                        open = start.block();
                        openIndex = nextIndex++;
                    }
                    case StreamEvent.TextDelta d -> {
                        if (d.index() != openIndex || !(open instanceof ContentBlock.Text)) return at + ": not for the open text block";
                    }
                    case StreamEvent.ToolInputDelta d -> {
                        if (d.index() != openIndex || !(open instanceof ContentBlock.ToolUse)) return at + ": not for the open tool use block";
                    }
                    case StreamEvent.ReasoningDelta d -> {
                        if (d.index() != openIndex || !(open instanceof ContentBlock.Reasoning)) return at + ": not for the open reasoning block";
                    }
                    case StreamEvent.BlockStop stop -> {
                        if (stop.index() != openIndex) return at + ": block " + stop.index() + " is not the open one";
                        open = null;
                        openIndex = -1;
                    }
                    case StreamEvent.UsageReport _ -> {
                        if (open != null) return at + ": block " + openIndex + " is still open";
                        usageSeen = true;
                    }
                    case StreamEvent.MessageStop _ -> {
                        if (open != null) return at + ": block " + openIndex + " is still open";
                        if (i != events.size() - 1) return at + ": MessageStop is not the last event";
                    }
                }
            }
            return events.getLast() instanceof StreamEvent.MessageStop ? null : "the last event is not MessageStop";
        }
    }
}
