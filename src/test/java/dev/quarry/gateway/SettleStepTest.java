package dev.quarry.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.EmbeddingResponse;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.PullingEventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.SettlingStream.Ending;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.Usage;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.catalog.ModelKind;
import dev.quarry.catalog.Price;
import dev.quarry.gateway.Settlement.Order;
import dev.quarry.gateway.Settlement.Settled;
import dev.quarry.identity.Credential;
import dev.quarry.identity.Principal;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.metering.UsageRecord;
import dev.quarry.ratelimit.LocalRateLimiter;
import dev.quarry.ratelimit.RateLimit;
import dev.quarry.ratelimit.RateLimits;
import dev.quarry.ratelimit.Scope;
import dev.quarry.testing.NoPrices;
import dev.quarry.testing.RecordingLedger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** The one place a request settles: the ledger first, then what steps further on reserved, once, whatever the answer's fate. */
class SettleStepTest {
    private static final Principal CALLER = new Principal("p-1", "caller", PrincipalKind.USER);
    private static final ModelEntry MODEL = new ModelEntry("m", "test", ModelKind.CHAT, "", 100_000, 4_000, Set.of(), List.of(),
            List.of(new Deployment("stub", "m-upstream")), Price.UNPRICED, true);

    private final RecordingLedger ledger = new RecordingLedger();
    /** What the reserving step was told, in the order it was told. */
    private final List<Settled> givenBack = new ArrayList<>();

    /** Holds something for the request, as budgets and rate limits do, and registers how to give it back. */
    private final Step reserving = step("reserving", (exchange, chain) -> {
        Settlement.of(exchange).on(Order.BUDGETS, settled -> {
            assertThat(ledger.records()).as("the ledger has recorded before anything is given back").isNotEmpty();
            givenBack.add(settled);
        });
        return chain.proceed(exchange);
    });

    @Test
    void aStreamCutMidwaySettlesOnceAsCancelledWithWhatWasDelivered() {
        EventStream stream = streamed(run(reserving, answering(List.of(new StreamEvent.MessageStart("id", "m"),
                new StreamEvent.TextDelta(0, "a fairly long answer that the client never reads to its end"),
                new StreamEvent.UsageReport(new Usage(4, 6, 0, 0)), new StreamEvent.MessageStop(StopReason.END_TURN)))));
        stream.next();
        stream.next();
        assertThat(givenBack).as("nothing settles while the answer streams").isEmpty();

        stream.close();
        stream.close();

        assertThat(givenBack).singleElement().satisfies(settled -> {
            assertThat(settled.ending()).isEqualTo(Ending.CANCELLED);
            assertThat(settled.usage().outputTokens()).as("the text handed on, estimated").isPositive();
        });
        assertThat(ledger.records()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo("cancelled");
            assertThat(r.usage()).isEqualTo(givenBack.getFirst().usage());
        });
    }

    @Test
    void aStreamThatBreaksUpstreamSettlesOnceAsFailed() {
        Iterator<StreamEvent> events = List.<StreamEvent>of(new StreamEvent.MessageStart("id", "m"),
                new StreamEvent.UsageReport(new Usage(4, 2, 0, 0))).iterator();
        EventStream breaking = new PullingEventStream() {
            @Override
            protected StreamEvent produce() {
                if (events.hasNext()) return events.next();
                throw QuarryException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "connection reset");
            }

            @Override
            protected void release() {}
        };
        EventStream stream = streamed(run(reserving, step("upstream", (exchange, chain) -> new Outcome.Streamed(exchange, breaking))));

        assertThatThrownBy(() -> stream.forEachRemaining(e -> { })).isInstanceOf(QuarryException.class);
        stream.close();

        assertThat(givenBack).singleElement().satisfies(settled -> {
            assertThat(settled.ending()).isEqualTo(Ending.FAILED);
            assertThat(settled.usage()).isEqualTo(new Usage(4, 2, 0, 0));
            assertThat(settled.error().kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
        });
        assertThat(ledger.records()).singleElement().extracting(UsageRecord::status, UsageRecord::errorKind)
                .containsExactly("failed", "UPSTREAM_UNAVAILABLE");
    }

    @Test
    void aRefusalFurtherOnSettlesWhatWasReservedOnceWithNothingUsed() {
        Outcome outcome = run(reserving, step("guard", (exchange, chain) -> {
            throw QuarryException.of(ErrorKind.CONTENT_FILTERED, "no");
        }));

        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        assertThat(givenBack).singleElement().satisfies(settled -> {
            assertThat(settled.usage()).isEqualTo(Usage.ZERO);
            assertThat(settled.error().kind()).isEqualTo(ErrorKind.CONTENT_FILTERED);
        });
        assertThat(ledger.records()).singleElement().extracting(UsageRecord::status, UsageRecord::errorKind)
                .containsExactly("failed", "CONTENT_FILTERED");
    }

    @Test
    void aCrashFurtherOnStillSettlesAsAnInternalError() {
        Outcome outcome = run(reserving, step("buggy", (exchange, chain) -> {
            throw new IllegalStateException("bug");
        }));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Rejected.class, r -> assertThat(r.error().kind()).isEqualTo(ErrorKind.INTERNAL));

        assertThat(givenBack).singleElement().satisfies(settled -> assertThat(settled.error().kind()).isEqualTo(ErrorKind.INTERNAL));
        assertThat(ledger.records()).singleElement().extracting(UsageRecord::status).isEqualTo("failed");
    }

    @Test
    void aFailingListenerLosesNoLedgerRowAndSkipsNoOtherListener() {
        List<String> rateLimits = new ArrayList<>();
        Step failingBudget = step("budget", (exchange, chain) -> {
            Settlement.of(exchange).on(Order.BUDGETS, settled -> {
                throw new IllegalStateException("budget broken");
            });
            Settlement.of(exchange).on(Order.RATE_LIMITS, settled -> rateLimits.add(settled.ending().name()));
            return chain.proceed(exchange);
        });
        EventStream stream = streamed(run(failingBudget, answering(List.of(new StreamEvent.UsageReport(new Usage(1, 1, 0, 0)),
                new StreamEvent.MessageStop(StopReason.END_TURN)))));

        stream.next();
        assertThatThrownBy(stream::next).as("the client is told of an internal error; the cause is logged")
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.error().kind()).isEqualTo(ErrorKind.INTERNAL))
                .hasMessageNotContaining("budget broken");
        stream.close();

        assertThat(ledger.records()).singleElement().extracting(UsageRecord::status).isEqualTo("completed");
        assertThat(rateLimits).containsExactly("COMPLETED");
    }

    /**
     * A stream whose ledger row cannot be written is not handed its end; and the client is told,
     * in the surface's in-stream error, rather than seeing a stream that simply stops (the
     * encoders turn only a {@link QuarryException} into an error event; anything else escaped them,
     * the HTTP layer closed the chunked body cleanly, and an SDK read a truncated answer as whole).
     */
    @Test
    void aLedgerThatCannotRecordEndsTheStreamWithAnErrorTheClientSees() {
        dev.quarry.metering.Ledger broken = new dev.quarry.metering.Ledger() {
            @Override
            public void record(UsageRecord record) {
                throw new dev.quarry.store.StoreException("disk full", null);
            }

            @Override
            public void close() {}
        };
        List<Step> steps = List.of(new SettleStep(broken, new NoPrices(), Clock.systemUTC()), reservingWithoutLedgerCheck(),
                answering(List.of(new StreamEvent.MessageStart("id", "m"), new StreamEvent.TextDelta(0, "hello"),
                        new StreamEvent.UsageReport(new Usage(1, 1, 0, 0)), new StreamEvent.MessageStop(StopReason.END_TURN))));
        EventStream stream = streamed(new Pipeline(steps).run(exchange(100)));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        new dev.quarry.surface.openai.ChatCompletionsEncoder("chatcmpl-1", "m", 0)
                .stream(stream, new dev.quarry.surface.SseWriter(out), false);
        stream.close();

        String sent = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(sent).as("the answer never reaches its end").doesNotContain("[DONE]", "\"finish_reason\":\"stop\"");
        assertThat(sent).as("an error event naming the request, not the cause").contains("\"error\"", "request r").doesNotContain("disk full");
        assertThat(givenBack).as("what was reserved is given back all the same").singleElement()
                .extracting(Settled::ending).isEqualTo(Ending.COMPLETED);
    }

    private Step reservingWithoutLedgerCheck() {
        return step("reserving", (exchange, chain) -> {
            Settlement.of(exchange).on(Order.BUDGETS, givenBack::add);
            return chain.proceed(exchange);
        });
    }

    @Test
    void anEmbeddingSettlesAsSoonAsItIsAnswered() {
        Outcome outcome = run(reserving, step("upstream", (exchange, chain) -> new Outcome.Embedded(exchange,
                new EmbeddingResponse("m", List.of(), 5))));

        assertThat(outcome).isInstanceOf(Outcome.Embedded.class);
        assertThat(givenBack).singleElement().satisfies(settled -> {
            assertThat(settled.ending()).isEqualTo(Ending.COMPLETED);
            assertThat(settled.usage()).isEqualTo(new Usage(5, 0, 0, 0));
        });
    }

    /** With the real rate-limit step: a reservation a later refusal leaked would leave no room for the second call. */
    @Test
    void aRateLimitReservationIsGivenBackWhenALaterStepRefuses() {
        RateLimitStep limited = new RateLimitStep(new RateLimits(List.of(new RateLimit(Scope.MODEL, "m", 0, 100)),
                new LocalRateLimiter(Clock.systemUTC())), principal -> List.of());
        Step refusing = step("guard", (exchange, chain) -> {
            throw QuarryException.of(ErrorKind.CONTENT_FILTERED, "no");
        });
        Pipeline pipeline = new Pipeline(List.of(new SettleStep(ledger, new NoPrices(), Clock.systemUTC()), limited, refusing));

        for (int i = 0; i < 3; i++) {
            assertThat(pipeline.run(exchange(80))).isInstanceOfSatisfying(Outcome.Rejected.class,
                    r -> assertThat(r.error().kind()).isEqualTo(ErrorKind.CONTENT_FILTERED));
        }
    }

    private Outcome run(Step middle, Step last) {
        return new Pipeline(List.of(new SettleStep(ledger, new NoPrices(), Clock.systemUTC()), middle, last)).run(exchange(100));
    }

    private static Exchange exchange(int maxTokens) {
        ChatRequest request = new ChatRequest("m", List.of(), List.of(Message.user("hi")), List.of(), ToolChoice.AUTO,
                new InferenceConfig(maxTokens, null, null, List.of()), Map.of());
        return Exchange.start("r", "test", () -> new Operation.Chat(request, true), Credential.NONE, "127.0.0.1", "ua")
                .withOperation(new Operation.Chat(request, true)).withPrincipal(CALLER).withRoute(MODEL, MODEL.deployments().getFirst());
    }

    private static EventStream streamed(Outcome outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Streamed.class);
        return ((Outcome.Streamed) outcome).stream();
    }

    private static Step answering(List<StreamEvent> events) {
        return step("upstream", (exchange, chain) -> new Outcome.Streamed(exchange, EventStream.of(events)));
    }

    private static Step step(String name, BiFunction<Exchange, Chain, Outcome> body) {
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Outcome apply(Exchange exchange, Chain chain) {
                return body.apply(exchange, chain);
            }
        };
    }
}
