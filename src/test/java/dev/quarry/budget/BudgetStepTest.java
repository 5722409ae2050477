package dev.quarry.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.Usage;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.catalog.ModelKind;
import dev.quarry.catalog.Price;
import dev.quarry.gateway.BudgetStep;
import dev.quarry.gateway.Chain;
import dev.quarry.gateway.Exchange;
import dev.quarry.gateway.Operation;
import dev.quarry.gateway.Outcome;
import dev.quarry.gateway.Pipeline;
import dev.quarry.gateway.Route;
import dev.quarry.gateway.SettleStep;
import dev.quarry.gateway.Step;
import dev.quarry.identity.Credential;
import dev.quarry.identity.Principal;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.pricing.Pricer;
import dev.quarry.routing.RoutePlan;
import dev.quarry.routing.Stage;
import dev.quarry.routing.Strategy;
import dev.quarry.store.Database;
import dev.quarry.testing.RecordingLedger;
import dev.quarry.testing.StoreTargets;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The budget step on the governed path, with a price of $0.001 a token for every model but "free". */
class BudgetStepTest {
    private static final BigDecimal PER_TOKEN = new BigDecimal("0.001");
    private static final Principal CALLER = new Principal("p-caller", "caller", PrincipalKind.USER);
    private static final int MODEL_MAX_OUTPUT = 500;

    /** A fake sheet: one flat price per token, nothing for the model "free". */
    private static final Pricer PRICER = new Pricer() {
        @Override
        public Optional<BigDecimal> cost(String model, String provider, Usage usage, Instant at) {
            return priced(model, usage.totalTokens());
        }

        @Override
        public Optional<BigDecimal> worstCase(String model, String provider, long inputTokens, long maxOutputTokens, Instant at) {
            return priced(model, inputTokens + maxOutputTokens);
        }

        private Optional<BigDecimal> priced(String model, long tokens) {
            return model.equals("free") ? Optional.empty() : Optional.of(PER_TOKEN.multiply(BigDecimal.valueOf(tokens)));
        }
    };

    private Database db;
    private BudgetDirectory budgets;
    private String budgetId;
    private final AtomicInteger upstreamCalls = new AtomicInteger();

    @BeforeEach
    void start() {
        db = Database.open(StoreTargets.freshUrl("sqlite"));
        db.transaction(c -> c.createStatement().executeUpdate("INSERT INTO principals (id, name, kind, created_at) VALUES ('p-caller', 'caller', 'USER', 0)"));
        BudgetStore store = new BudgetStore(db, Clock.systemUTC(), WebhookTargets.PUBLIC);
        budgetId = store.create(new BudgetDraft("org", "organisation", "day", null, null, "1.00", List.of(), null)).id();
        budgets = new BudgetDirectory(store, principalId -> List.of(), new LedgerSpend(db), new BudgetBook(Clock.systemUTC(), alert -> { }));
    }

    @AfterEach
    void stop() {
        db.close();
    }

    @Test
    void aStreamHoldsItsWorstCaseUntilItEndsThenCountsWhatItUsed() {
        Outcome outcome = run("priced", 100, answer(new Usage(10, 20, 0, 0)));

        EventStream stream = ((Outcome.Streamed) outcome).stream();
        assertThat(status().reservedMicros()).isEqualTo((TokenEstimate.of(request(100)) + 100) * 1_000);
        while (stream.hasNext()) stream.next();

        assertThat(status().reservedMicros()).isZero();
        assertThat(status().spentMicros()).isEqualTo(30_000);
    }

    @Test
    void withoutMaxTokensTheModelsMaximumOutputIsReserved() {
        run("priced", null, answer(Usage.ZERO));

        assertThat(status().reservedMicros()).isEqualTo((TokenEstimate.of(request(null)) + MODEL_MAX_OUTPUT) * 1_000);
    }

    @Test
    void aStreamClosedEarlySettlesWhatWasReportedSoFar() {
        EventStream stream = ((Outcome.Streamed) run("priced", 100, answer(new Usage(5, 5, 0, 0)))).stream();
        stream.next();
        stream.close();
        stream.close();

        assertThat(status().reservedMicros()).isZero();
        assertThat(status().spentMicros()).isZero();
    }

    @Test
    void aRequestTheBudgetCannotCoverNeverGoesUpstream() {
        Outcome outcome = run("priced", 2_000, answer(Usage.ZERO));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.error().kind()).isEqualTo(ErrorKind.BUDGET_EXCEEDED);
            assertThat(r.error().message()).contains("'org'", "limit $1.00");
        });
        assertThat(upstreamCalls).hasValue(0);
    }

    @Test
    void aRefusalFurtherOnReleasesTheReservation() {
        Outcome outcome = run("priced", 100, exchange -> new Outcome.Rejected(exchange, QuarryError.of(ErrorKind.UPSTREAM_ERROR, "boom")));

        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        assertThat(status().reservedMicros()).isZero();
        assertThat(status().spentMicros()).isZero();
    }

    @Test
    void anUnpricedModelIsAdmittedAndCountsNothingEvenPastTheLimit() {
        Outcome outcome = run("free", 1_000_000, answer(new Usage(10, 10, 0, 0)));

        EventStream stream = ((Outcome.Streamed) outcome).stream();
        while (stream.hasNext()) stream.next();
        assertThat(upstreamCalls).hasValue(1);
        assertThat(status().spentMicros()).isZero();
    }

    private interface Upstream {
        Outcome answer(Exchange exchange);
    }

    private static Upstream answer(Usage usage) {
        return exchange -> new Outcome.Streamed(exchange, EventStream.of(List.of(new StreamEvent.MessageStart("m-1", "m"), new StreamEvent.UsageReport(usage),
                new StreamEvent.MessageStop(StopReason.END_TURN))));
    }

    private Outcome run(String model, Integer maxTokens, Upstream upstream) {
        Step last = new Step() {
            @Override
            public String name() {
                return "upstream";
            }

            @Override
            public Outcome apply(Exchange exchange, Chain chain) {
                upstreamCalls.incrementAndGet();
                return upstream.answer(exchange);
            }
        };
        ModelEntry entry = new ModelEntry(model, "test", ModelKind.CHAT, "", 100_000, MODEL_MAX_OUTPUT, Set.of(), List.of(),
                List.of(new Deployment("stub", model)), Price.UNPRICED, true);
        ChatRequest request = request(maxTokens);
        Exchange exchange = Exchange.start("req-1", "test", () -> new Operation.Chat(request, true), Credential.NONE, "127.0.0.1", "ua")
                .withOperation(new Operation.Chat(request, true)).withPrincipal(CALLER).withRoute(entry, entry.deployments().getFirst())
                .withRouting(new Route(null, RoutePlan.single(new Stage(entry, Strategy.PRIORITY, entry.deployments(), 0))));
        return new Pipeline(List.of(new SettleStep(new RecordingLedger(), PRICER, Clock.systemUTC()),
                new BudgetStep(budgets, budgets.sessions(), PRICER, Clock.systemUTC()), last)).run(exchange);
    }

    private static ChatRequest request(Integer maxTokens) {
        return new ChatRequest("m", List.of(), List.of(Message.user("how much is this going to cost me?")), List.of(), ToolChoice.AUTO,
                new InferenceConfig(maxTokens, null, null, List.of()), Map.of());
    }

    private BudgetStatus status() {
        return budgets.status(budgetId).orElseThrow();
    }
}
