package dev.quarry.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quarry.canonical.CannotCarry;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.catalog.Capability;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.catalog.ModelKind;
import dev.quarry.catalog.Price;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RouterTest {
    private static final Deployment US = new Deployment("openai-us", "gpt", "us-east-1", 1, 0, 0);
    private static final Deployment EU = new Deployment("openai-eu", "gpt", "eu-west-1", 1, 1, 0);
    private static final Deployment CLAUDE_EU = new Deployment("anthropic-eu", "claude", "eu-west-1", 1, 0, 0);
    private static final ModelEntry GPT = model("gpt-5.5", 400_000, US, EU);
    private static final ModelEntry CLAUDE = model("claude", 200_000, CLAUDE_EU);
    private static final RetryPolicy RETRY = new RetryPolicy(4, 2, Duration.ofMillis(100), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(60));

    /** Time that moves only when the router sleeps. */
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Long> sleeps = new ArrayList<>();
    private final Random seeded = new Random(7);
    private final Router router = router(RETRY, CooldownPolicy.DEFAULT);

    /** Answers per deployment key, in turn; the last one repeats. */
    private final Map<String, List<Function<Deployment, String>>> script = new HashMap<>();
    private final List<String> calls = new ArrayList<>();

    private Router router(RetryPolicy retry, CooldownPolicy cooldown) {
        return new Router(retry, cooldown, now::get, nanos -> {
            sleeps.add(nanos);
            now.addAndGet(nanos);
        }, () -> seeded);
    }

    private final Attempter<String> attempter = (model, deployment) -> {
        calls.add(deployment.key());
        List<Function<Deployment, String>> answers = script.getOrDefault(deployment.key(), List.of(d -> "answer from " + d.key()));
        long made = calls.stream().filter(deployment.key()::equals).count();
        return answers.get((int) Math.min(made, answers.size()) - 1).apply(deployment);
    };

    @SafeVarargs
    private void on(Deployment deployment, Function<Deployment, String>... answers) {
        script.put(deployment.key(), List.of(answers));
    }

    private static Function<Deployment, String> fail(ErrorKind kind) {
        return d -> {
            throw QuarryException.of(kind, d.key() + " says " + kind);
        };
    }

    private static Function<Deployment, String> throttle(Duration retryAfter) {
        return d -> {
            throw new QuarryException(new QuarryError(ErrorKind.RATE_LIMITED, "slow down", null, retryAfter));
        };
    }

    private static Function<Deployment, String> ok() {
        return d -> "answer from " + d.key();
    }

    private static RoutePlan plan(Strategy strategy, ModelEntry model, List<ModelEntry> onError, List<ModelEntry> onContext,
                                  List<ModelEntry> onContent) {
        Function<ModelEntry, Stage> stage = m -> new Stage(m, strategy, m.deployments(), 0);
        return new RoutePlan(stage.apply(model), onError.stream().map(stage).toList(), onContext.stream().map(stage).toList(),
                onContent.stream().map(stage).toList());
    }

    private static RoutePlan plan(ModelEntry model, ModelEntry... onError) {
        return plan(Strategy.PRIORITY, model, List.of(onError), List.of(), List.of());
    }

    private Routed<String> route(RoutePlan plan) {
        return router.route(plan, 1_000, CostOf.UNPRICED, attempter);
    }

    @Test
    void theFirstChoiceServesWhenItAnswers() {
        var served = (Routed.Served<String>) route(plan(GPT));
        assertThat(served.value()).isEqualTo("answer from openai-us/gpt");
        assertThat(served.trace().attempts()).singleElement().satisfies(a -> assertThat(a.failure()).isNull());
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aFailingDeploymentIsPassedForTheNextAtOnce() {
        on(US, fail(ErrorKind.UPSTREAM_UNAVAILABLE));
        var served = (Routed.Served<String>) route(plan(GPT));
        assertThat(served.deployment()).isEqualTo(EU);
        assertThat(calls).containsExactly("openai-us/gpt", "openai-eu/gpt");
        assertThat(served.trace().attempts()).extracting(RouteTrace.Attempt::failure).containsExactly(ErrorKind.UPSTREAM_UNAVAILABLE, null);
        assertThat(sleeps).as("a different deployment is tried without waiting").isEmpty();
    }

    private static Function<Deployment, String> cannotCarry() {
        return d -> {
            throw new CannotCarry(d.key() + " cannot carry this document");
        };
    }

    @Test
    void aDeploymentThatCannotCarryTheRequestIsPassedOverWithoutAnAttempt() {
        on(US, cannotCarry());
        var served = (Routed.Served<String>) route(plan(GPT));
        assertThat(served.deployment()).isEqualTo(EU);
        assertThat(served.trace().attempts()).singleElement().satisfies(a -> assertThat(a.deployment()).isEqualTo(EU.key()));
    }

    /** When no deployment of the model can carry the request, its error fallbacks may: they are other providers. */
    @Test
    void whenNoDeploymentCanCarryTheRequestTheErrorFallbacksAreTried() {
        on(US, cannotCarry());
        on(EU, cannotCarry());
        var served = (Routed.Served<String>) route(plan(GPT, CLAUDE));
        assertThat(served.deployment()).isEqualTo(CLAUDE_EU);
        assertThat(calls).containsExactly("openai-us/gpt", "openai-eu/gpt", "anthropic-eu/claude");
    }

    /** The refusal is the client's answer only when nothing else went wrong: an upstream failure says it can be retried. */
    @Test
    void aRefusalToCarryDoesNotHideAnUpstreamFailure() {
        on(US, cannotCarry());
        on(EU, fail(ErrorKind.UPSTREAM_UNAVAILABLE));
        var failed = (Routed.Failed<String>) route(plan(GPT));
        assertThat(failed.error().kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
        assertThat(failed.error().message()).contains("passed over openai-us/gpt: openai-us/gpt cannot carry this document");
        assertThat(calls.stream().filter("openai-us/gpt"::equals)).as("a refusal is not asked again").hasSize(1);

        calls.clear();
        on(EU, cannotCarry());
        failed = (Routed.Failed<String>) router(RETRY, CooldownPolicy.DEFAULT).route(plan(GPT), 1_000, CostOf.UNPRICED, attempter);
        assertThat(failed.error().kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE);
    }

    @Test
    void whenEverythingFailsTheBudgetOfAttemptsIsSpentAndOneErrorTellsTheRoute() {
        on(US, fail(ErrorKind.UPSTREAM_ERROR));
        on(EU, fail(ErrorKind.UPSTREAM_ERROR));
        on(CLAUDE_EU, fail(ErrorKind.UPSTREAM_TIMEOUT));
        var failed = (Routed.Failed<String>) route(plan(GPT, CLAUDE));
        assertThat(calls).hasSize(RETRY.maxAttempts());
        assertThat(calls).containsExactly("openai-us/gpt", "openai-eu/gpt", "anthropic-eu/claude", "anthropic-eu/claude");
        assertThat(failed.error().kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
        assertThat(failed.error().message()).contains("Quarry made 4 attempts", "gpt-5.5 on openai-us/gpt: upstream_error",
                "claude on anthropic-eu/claude: upstream_timeout");
        assertThat(failed.trace().modelPath()).containsExactly("gpt-5.5", "claude");
        assertThat(sleeps).as("the second call to claude waited a back-off").hasSize(1);
        assertThat(sleeps.getFirst()).isBetween(Duration.ofMillis(50).toNanos(), Duration.ofMillis(100).toNanos());
    }

    @Test
    void anErrorNoOtherAttemptCanFixEndsTheWalkAtOnce() {
        on(US, fail(ErrorKind.INVALID_REQUEST));
        var failed = (Routed.Failed<String>) route(plan(GPT, CLAUDE));
        assertThat(calls).containsExactly("openai-us/gpt");
        assertThat(failed.error().kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(failed.error().message()).isEqualTo("openai-us/gpt says INVALID_REQUEST");
    }

    @Test
    void aShortRetryAfterIsWaitedForAndTheSameDeploymentRetried() {
        ModelEntry single = model("solo", 0, US);
        on(US, throttle(Duration.ofMillis(700)), ok());
        var served = (Routed.Served<String>) route(plan(single));
        assertThat(served.value()).isEqualTo("answer from openai-us/gpt");
        assertThat(sleeps).singleElement().satisfies(wait -> assertThat(wait).isGreaterThanOrEqualTo(Duration.ofMillis(700).toNanos()));
    }

    @Test
    void aLongRetryAfterSendsTheRequestToItsFallbackAndIsReportedWhenNothingIsLeft() {
        ModelEntry single = model("solo", 0, US);
        on(US, throttle(Duration.ofSeconds(30)));
        var served = (Routed.Served<String>) route(plan(single, CLAUDE));
        assertThat(served.model()).isEqualTo(CLAUDE);
        assertThat(sleeps).isEmpty();

        on(CLAUDE_EU, throttle(Duration.ofSeconds(20)));
        var failed = (Routed.Failed<String>) route(plan(model("solo2", 0, CLAUDE_EU)));
        assertThat(failed.error().kind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(failed.error().retryAfter()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aPromptLargerThanEveryWindowGoesToTheContextWindowFallbackWithoutCallingTheSmallModel() {
        ModelEntry small = model("small", 500, US);
        var served = (Routed.Served<String>) route(plan(Strategy.PRIORITY, small, List.of(), List.of(CLAUDE), List.of()));
        assertThat(served.model()).isEqualTo(CLAUDE);
        assertThat(calls).containsExactly("anthropic-eu/claude");

        var failed = (Routed.Failed<String>) route(plan(small));
        assertThat(failed.error().kind()).isEqualTo(ErrorKind.CONTEXT_WINDOW_EXCEEDED);
        assertThat(failed.error().message()).contains("input is about 1000 tokens", "small", "openai-us/gpt 500");
    }

    @Test
    void eachKindOfFailureFollowsItsOwnFallbackList() {
        ModelEntry errors = model("for-errors", 0, new Deployment("p1", "m1"));
        ModelEntry context = model("for-context", 0, new Deployment("p2", "m2"));
        ModelEntry content = model("for-content", 0, new Deployment("p3", "m3"));
        RoutePlan plan = plan(Strategy.PRIORITY, model("solo", 0, US), List.of(errors), List.of(context), List.of(content));

        on(US, fail(ErrorKind.CONTENT_FILTERED));
        assertThat(((Routed.Served<String>) route(plan)).model()).isEqualTo(content);
        on(US, fail(ErrorKind.CONTEXT_WINDOW_EXCEEDED));
        assertThat(((Routed.Served<String>) route(plan)).model()).isEqualTo(context);
        on(US, fail(ErrorKind.UPSTREAM_UNAVAILABLE));
        assertThat(((Routed.Served<String>) route(plan)).model()).isEqualTo(errors);
    }

    @Test
    void aDeploymentThatKeepsFailingIsLeftOutUntilItsCooldownEndsThenProbedOnce() {
        CooldownPolicy cooldown = new CooldownPolicy(2, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(1));
        Router breaking = router(new RetryPolicy(2, 2, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(60)), cooldown);
        on(US, fail(ErrorKind.UPSTREAM_UNAVAILABLE));
        for (int i = 0; i < 2; i++) breaking.route(plan(GPT), 10, CostOf.UNPRICED, attempter);
        calls.clear();
        breaking.route(plan(GPT), 10, CostOf.UNPRICED, attempter);
        assertThat(calls).as("the open circuit keeps requests away").containsExactly("openai-eu/gpt");

        now.addAndGet(Duration.ofSeconds(31).toNanos());
        on(US, ok());
        calls.clear();
        var probe = (Routed.Served<String>) breaking.route(plan(GPT), 10, CostOf.UNPRICED, attempter);
        assertThat(probe.deployment()).as("after the cooldown one request probes it").isEqualTo(US);
        calls.clear();
        breaking.route(plan(GPT), 10, CostOf.UNPRICED, attempter);
        assertThat(calls).as("and it is back").containsExactly("openai-us/gpt");
    }

    @Test
    void whenEveryDeploymentIsCoolingDownTheRequestFailsFastWithWhenToComeBack() {
        CooldownPolicy cooldown = new CooldownPolicy(1, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(1));
        Router breaking = router(RETRY, cooldown);
        on(US, fail(ErrorKind.UPSTREAM_UNAVAILABLE));
        on(EU, fail(ErrorKind.UPSTREAM_UNAVAILABLE));
        breaking.route(plan(GPT), 10, CostOf.UNPRICED, attempter);
        calls.clear();
        var failed = (Routed.Failed<String>) breaking.route(plan(GPT), 10, CostOf.UNPRICED, attempter);
        assertThat(calls).isEmpty();
        assertThat(failed.error().kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
        assertThat(failed.error().retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(failed.error().message()).contains("cooling down");
    }

    @Test
    void aDeploymentAtItsCapacityIsPassedOverWithoutCountingAnAttempt() {
        Router oneAttempt = router(new RetryPolicy(1, 1, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(60)), CooldownPolicy.DEFAULT);
        on(US, d -> {
            throw new AtCapacity("at its capacity (requests_per_minute 1)", Duration.ofSeconds(20));
        });
        var served = (Routed.Served<String>) oneAttempt.route(plan(GPT), 10, CostOf.UNPRICED, attempter);
        assertThat(served.deployment()).as("the one attempt allowed went to the deployment with room").isEqualTo(EU);
        assertThat(served.trace().attempts()).hasSize(1);
    }

    @Test
    void anUnexpectedFailureIsTheDeploymentsAndLeavesItUsable() {
        on(US, d -> {
            throw new IllegalStateException("provider bug");
        }, ok());
        var served = (Routed.Served<String>) route(plan(GPT));
        assertThat(served.deployment()).isEqualTo(EU);
        assertThat(served.trace().attempts().getFirst().failure()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
        served.finished().accept(null);
        assertThat(((Routed.Served<String>) route(plan(GPT))).deployment()).as("not stuck in flight or probing").isEqualTo(US);
    }

    @Test
    void whileOneRequestProbesAnOpenCircuitOthersAreKeptAwayAndAFailedProbeReopensIt() {
        CooldownPolicy cooldown = new CooldownPolicy(1, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(1));
        Router breaking = router(RETRY, cooldown);
        on(US, fail(ErrorKind.UPSTREAM_UNAVAILABLE));
        breaking.route(plan(GPT), 10, CostOf.UNPRICED, attempter);
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        List<String> duringProbe = new ArrayList<>();
        on(US, d -> {
            // A second request arrives while this probe is still waiting for its answer.
            var other = (Routed.Served<String>) breaking.route(plan(GPT), 10, CostOf.UNPRICED, attempter);
            duringProbe.add(other.deployment().key());
            throw QuarryException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "still down");
        });
        breaking.route(plan(GPT), 10, CostOf.UNPRICED, attempter);
        assertThat(duringProbe).containsExactly("openai-eu/gpt");
        calls.clear();
        breaking.route(plan(GPT), 10, CostOf.UNPRICED, attempter);
        assertThat(calls).as("the failed probe opened the circuit again").containsExactly("openai-eu/gpt");
    }

    @Test
    void aModelListedForTwoReasonsIsWalkedOnce() {
        on(US, fail(ErrorKind.CONTENT_FILTERED));
        on(CLAUDE_EU, fail(ErrorKind.UPSTREAM_UNAVAILABLE));
        ModelEntry solo = model("solo", 0, US);
        route(plan(Strategy.PRIORITY, solo, List.of(CLAUDE), List.of(), List.of(CLAUDE)));
        assertThat(calls).containsExactly("openai-us/gpt", "anthropic-eu/claude", "anthropic-eu/claude");
    }

    @Test
    void anInterruptedRequestStopsWithoutBlamingAnyDeployment() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Router real = new Router(RETRY, new CooldownPolicy(1, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(1)));
        Attempter<String> hanging = (model, d) -> {
            calls.add(d.key());
            started.countDown();
            try {
                Thread.sleep(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // as Attempter asks
                throw QuarryException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "connection closed");
            }
            return "never";
        };
        var result = new java.util.concurrent.atomic.AtomicReference<Routed<String>>();
        var stillInterrupted = new java.util.concurrent.atomic.AtomicBoolean();
        Thread request = Thread.ofVirtual().start(() -> {
            result.set(real.route(plan(GPT), 10, CostOf.UNPRICED, hanging));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        started.await();
        request.interrupt();
        request.join(Duration.ofSeconds(5));
        assertThat(result.get()).isInstanceOf(Routed.Failed.class);
        assertThat(calls).as("no further attempt once interrupted").containsExactly("openai-us/gpt");
        assertThat(stillInterrupted).as("the interrupt is kept for the caller").isTrue();
        calls.clear();
        assertThat(((Routed.Served<String>) real.route(plan(GPT), 10, CostOf.UNPRICED, attempter)).deployment())
                .as("the deployment was not blamed for the cancellation").isEqualTo(US);
    }

    @Test
    void anAttemptThatGivesNoAnswerInTimeIsAbandonedAndItsLateAnswerFreed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> discarded = new ArrayList<>();
        Router timed = new Router(new RetryPolicy(3, 2, Duration.ofMillis(1), Duration.ofSeconds(1), Duration.ofMillis(200),
                Duration.ofSeconds(10)), CooldownPolicy.DEFAULT);
        Attempter<String> slowThenFast = new Attempter<>() {
            @Override
            public String open(ModelEntry model, Deployment deployment) {
                if (deployment.equals(US)) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        return "late";
                    }
                }
                return "from " + deployment.key();
            }

            @Override
            public void discard(String late) {
                discarded.add(late);
            }
        };
        var served = (Routed.Served<String>) timed.route(plan(GPT), 10, CostOf.UNPRICED, slowThenFast);
        assertThat(served.value()).isEqualTo("from openai-eu/gpt");
        assertThat(served.trace().attempts().getFirst().failure()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (discarded.isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(discarded).as("the interrupted attempt's answer is freed").containsExactly("late");
    }

    @Test
    void weightedOrderPutsEachDeploymentFirstInProportionToItsWeight() {
        Deployment heavy = new Deployment("a", "m", null, 3, 0, 0);
        Deployment light = new Deployment("b", "m", null, 1, 0, 0);
        ModelEntry model = model("w", 0, heavy, light);
        int n = 20_000;
        int heavyFirst = 0;
        for (int i = 0; i < n; i++) {
            var served = (Routed.Served<String>) router.route(plan(Strategy.WEIGHTED, model, List.of(), List.of(), List.of()), 10,
                    CostOf.UNPRICED, attempter);
            if (served.deployment().equals(heavy)) heavyFirst++;
            served.finished().accept(null);
        }
        // 0.75 expected; four standard deviations of a binomial share over 20,000 draws is ±0.0122.
        assertThat(heavyFirst / (double) n).isCloseTo(0.75, within(0.0122));
    }

    @Test
    void leastLatencyPrefersTheDeploymentWhoseFirstTokenComesSooner() {
        Deployment slow = new Deployment("slow", "m");
        Deployment fast = new Deployment("fast", "m");
        ModelEntry model = model("l", 0, slow, fast);
        Attempter<String> timedAnswers = (m, d) -> {
            now.addAndGet(Duration.ofMillis(d.equals(slow) ? 80 : 10).toNanos());
            return d.key();
        };
        RoutePlan plan = plan(Strategy.LEAST_LATENCY, model, List.of(), List.of(), List.of());
        List<String> servedBy = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            var served = (Routed.Served<String>) router.route(plan, 10, CostOf.UNPRICED, timedAnswers);
            servedBy.add(served.value());
            served.finished().accept(null);
        }
        assertThat(servedBy.subList(0, 2)).as("each is measured first").containsExactly("slow/m", "fast/m");
        assertThat(servedBy.subList(2, 10)).containsOnly("fast/m");
    }

    /** A whole answer's time is the whole generation's, not a first token's: it teaches the strategy nothing. */
    @Test
    void wholeAnswersLeaveTheLatencyEstimateAlone() {
        Deployment slow = new Deployment("slow", "m");
        Deployment fast = new Deployment("fast", "m");
        ModelEntry model = model("w", 0, slow, fast);
        Attempter<String> wholeAnswers = new Attempter<>() {
            @Override
            public String open(ModelEntry m, Deployment d) {
                now.addAndGet(Duration.ofMillis(d.equals(slow) ? 80 : 10).toNanos());
                return d.key();
            }

            @Override
            public boolean answersWhole(ModelEntry model, Deployment deployment) {
                return true;
            }
        };
        RoutePlan plan = plan(Strategy.LEAST_LATENCY, model, List.of(), List.of(), List.of());
        List<String> servedBy = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            var served = (Routed.Served<String>) router.route(plan, 10, CostOf.UNPRICED, wholeAnswers);
            servedBy.add(served.value());
            served.finished().accept(null);
        }
        assertThat(servedBy).as("both stay unmeasured, so file order decides").containsOnly("slow/m");
    }

    @Test
    void leastBusyPrefersTheDeploymentWithFewerRequestsInFlight() {
        ModelEntry model = model("b", 0, US, EU);
        RoutePlan plan = plan(Strategy.LEAST_BUSY, model, List.of(), List.of(), List.of());
        var first = (Routed.Served<String>) route(plan);
        var second = (Routed.Served<String>) route(plan);
        assertThat(List.of(first.deployment(), second.deployment())).containsExactly(US, EU);
        first.finished().accept(null);
        assertThat(((Routed.Served<String>) route(plan)).deployment()).isEqualTo(US);
    }

    @Test
    void lowestCostPrefersTheCheapestPricedDeploymentAndPutsUnpricedOnesLast() {
        Deployment unpriced = new Deployment("local", "m");
        Deployment dear = new Deployment("dear", "m");
        Deployment cheap = new Deployment("cheap", "m");
        ModelEntry model = model("c", 0, unpriced, dear, cheap);
        CostOf costs = (m, d) -> switch (d.provider()) {
            case "dear" -> Optional.of(new BigDecimal("0.50"));
            case "cheap" -> Optional.of(new BigDecimal("0.05"));
            default -> Optional.empty();
        };
        on(cheap, fail(ErrorKind.UPSTREAM_UNAVAILABLE));
        router.route(plan(Strategy.LOWEST_COST, model, List.of(), List.of(), List.of()), 10, costs, attempter);
        assertThat(calls).containsExactly("cheap/m", "dear/m");
    }

    @Test
    void deploymentsLeftOutByPolicyAreNeverTriedEvenWhenFallingBack() {
        RoutePlan euOnly = plan(GPT, CLAUDE).keeping((model, d) -> d.region() != null && d.region().startsWith("eu-"));
        on(EU, fail(ErrorKind.UPSTREAM_UNAVAILABLE));
        on(CLAUDE_EU, fail(ErrorKind.UPSTREAM_UNAVAILABLE), ok());
        var served = (Routed.Served<String>) route(euOnly);
        assertThat(calls).containsExactly("openai-eu/gpt", "openai-eu/gpt", "anthropic-eu/claude", "anthropic-eu/claude");
        assertThat(served.model()).isEqualTo(CLAUDE);
    }

    private static ModelEntry model(String id, int contextWindow, Deployment... deployments) {
        return new ModelEntry(id, "test", ModelKind.CHAT, id, contextWindow, 1000, java.util.Set.of(Capability.TOOLS), List.of(),
                List.of(deployments), Price.UNPRICED, true);
    }
}
