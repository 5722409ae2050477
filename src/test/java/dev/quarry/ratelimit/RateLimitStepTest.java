package dev.quarry.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.Usage;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.catalog.ModelKind;
import dev.quarry.catalog.Price;
import dev.quarry.gateway.Chain;
import dev.quarry.gateway.Exchange;
import dev.quarry.gateway.Operation;
import dev.quarry.gateway.Outcome;
import dev.quarry.gateway.Pipeline;
import dev.quarry.gateway.RateLimitStep;
import dev.quarry.gateway.SettleStep;
import dev.quarry.gateway.Step;
import dev.quarry.identity.Credential;
import dev.quarry.identity.Principal;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.testing.NoPrices;
import dev.quarry.testing.RecordingLedger;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The gateway step: reservations at admission, corrected once when the answer's stream ends. */
class RateLimitStepTest {
    private static final Principal CALLER = new Principal("p-1", "caller", PrincipalKind.USER);
    private static final ModelEntry MODEL = new ModelEntry("m", "test", ModelKind.CHAT, "", 100_000, 4_000, Set.of(), List.of(),
            List.of(new Deployment("stub", "m-upstream")), Price.UNPRICED, true);

    /** Answers every request with a stream that reports 10 tokens used. */
    private static final Step UPSTREAM = new Step() {
        @Override
        public String name() {
            return "upstream";
        }

        @Override
        public Outcome apply(Exchange exchange, Chain chain) {
            return new Outcome.Streamed(exchange, EventStream.of(List.of(new StreamEvent.UsageReport(new Usage(4, 6, 0, 0)),
                    new StreamEvent.MessageStop(StopReason.END_TURN))));
        }
    };

    private final Pipeline pipeline = new Pipeline(List.of(new SettleStep(new RecordingLedger(), new NoPrices(), Clock.systemUTC()),
            new RateLimitStep(new RateLimits(
            List.of(new RateLimit(Scope.MODEL, "m", 0, 100), new RateLimit(Scope.GROUP, "eng", 3, 0)),
            new LocalRateLimiter(Clock.systemUTC())), principal -> List.of("eng")), UPSTREAM));

    private Outcome call(int maxTokens) {
        ChatRequest request = new ChatRequest("m", List.of(), List.of(Message.user("hi")), List.of(), ToolChoice.AUTO,
                new InferenceConfig(maxTokens, null, null, List.of()), Map.of());
        Exchange exchange = Exchange.start("r", "test", () -> new Operation.Chat(request, true), Credential.NONE, "127.0.0.1", "ua")
                .withOperation(new Operation.Chat(request, true)).withPrincipal(CALLER).withRoute(MODEL, MODEL.deployments().getFirst());
        return pipeline.run(exchange);
    }

    private static void drainAndClose(Outcome outcome) {
        try (EventStream stream = ((Outcome.Streamed) outcome).stream()) {
            stream.forEachRemaining(event -> { });
        }
    }

    @Test
    void anOpenStreamHoldsItsReservationAndItsEndLeavesOnlyTheActualUsage() {
        Outcome first = call(80); // reserves 80 plus the prompt's estimate
        Outcome refused = call(80);
        assertThat(refused).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.error().kind()).isEqualTo(ErrorKind.RATE_LIMITED);
            assertThat(r.error().message()).contains("tokens_per_minute 100 for model 'm'");
            assertThat(r.error().retryAfter()).isPositive();
        });

        drainAndClose(first); // 10 tokens used; closing after the end must not correct a second time

        drainAndClose(call(80)); // fits only if the first left 10 tokens, not 10 twice refunded or its reservation
        drainAndClose(call(1));
        assertThat(call(1)).isInstanceOf(Outcome.Rejected.class)
                .satisfies(r -> assertThat(((Outcome.Rejected) r).error().message()).contains("requests_per_minute 3 for group 'eng'"));
    }

    @Test
    void aRequestThatCouldNeverFitIsToldSoWithoutARetryTime() {
        Outcome outcome = call(500);
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.error().retryAfter()).isNull();
            assertThat(r.error().message()).contains("more than the rate limit tokens_per_minute 100");
        });
    }
}
