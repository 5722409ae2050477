package dev.quarry.routing;

import dev.quarry.canonical.CannotCarry;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Walks a {@link RoutePlan} until a deployment answers: the one place Quarry retries. Within a
 * model it tries deployments in its strategy's order, skipping those cooling down or at capacity,
 * and comes back to one that failed only after an exponential, jittered back-off (or its
 * Retry-After, when that is short). When a model cannot answer it moves to the fallback list that
 * fits the reason: errors and throttling, a context window too small, a content-policy refusal.
 * A deployment whose upstream cannot carry the request ({@link CannotCarry}) is passed over
 * without counting an attempt; when no deployment of a model can, the walk goes on to its error
 * fallbacks, which may be served elsewhere.
 * Errors that another attempt cannot fix (a malformed request) end the walk at once. An attempt
 * ends at the answer's first event, so a failure before the client has seen anything is invisible
 * to it; a failure after that is the stream's.
 */
public final class Router {
    private static final Duration MAX_WAIT = Duration.ofDays(1);

    private final RetryPolicy retry;
    private final HealthBoard health;
    private final Attempts attempts;
    private final LongSupplier nanos;
    private final Sleeper sleeper;
    private final Supplier<RandomGenerator> random;

    /** Waits between attempts; a test replaces it to keep time. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    public Router(RetryPolicy retry, CooldownPolicy cooldown) {
        this(retry, cooldown, System::nanoTime, nanos -> Thread.sleep(Duration.ofNanos(nanos)), ThreadLocalRandom::current);
    }

    /** @param random the random numbers of the calling thread (shared generators are not thread-safe) */
    public Router(RetryPolicy retry, CooldownPolicy cooldown, LongSupplier nanos, Sleeper sleeper, Supplier<RandomGenerator> random) {
        this.retry = retry;
        this.health = new HealthBoard(cooldown);
        this.attempts = new Attempts(retry.attemptTimeout());
        this.nanos = nanos;
        this.sleeper = sleeper;
        this.random = random;
    }

    /**
     * @param promptTokens the request's estimated prompt size, checked against each deployment's context window
     * @param costs        prices candidates for the lowest-cost strategy
     */
    public <T> Routed<T> route(RoutePlan plan, long promptTokens, CostOf costs, Attempter<T> attempter) {
        return new Walk<>(plan, promptTokens, costs, attempter).run();
    }

    /** One request's walk through its plan; used by one thread. */
    private final class Walk<T> {
        private final RoutePlan plan;
        private final long promptTokens;
        private final CostOf costs;
        private final Attempter<T> attempter;
        private final long deadline;
        /**
         * Whether the plan has more than one deployment. A cooling deployment is passed over only
         * when there is somewhere else to go: with a single one, waiting out its cooldown would
         * only turn a chance of an answer into a certain error.
         */
        private final boolean alternatives;
        private final List<RouteTrace.Attempt> trace = new ArrayList<>();
        /** Why deployments were passed over without an attempt, for the final error. */
        private final List<String> passedOver = new ArrayList<>();
        private final Set<String> tried = new HashSet<>();
        /** Deployments whose upstream cannot carry this request: asking them again would only be refused again. */
        private final Set<String> cannotCarry = new HashSet<>();
        /**
         * The deployment whose {@link CannotCarry} refusal {@link #lastError} is, or {@code null}: such a refusal is
         * another provider's to answer, and goes to {@link #passedOver} once an error that says more replaces it.
         */
        private String refusedBy;
        /** Models already walked: one listed under two reasons is tried once. */
        private final Set<String> visited = new HashSet<>();
        private int attemptsLeft = retry.maxAttempts();
        private QuarryError lastError;
        private ModelEntry lastModel;
        private Deployment lastDeployment;
        private long soonestAvailable = Long.MAX_VALUE;

        Walk(RoutePlan plan, long promptTokens, CostOf costs, Attempter<T> attempter) {
            this.plan = plan;
            this.promptTokens = promptTokens;
            this.costs = costs;
            this.attempter = attempter;
            this.deadline = nanos.getAsLong() + retry.totalTimeout().toNanos();
            var count = new int[1];
            plan.forEachCandidate((model, deployment) -> count[0]++);
            this.alternatives = count[0] > 1;
        }

        Routed<T> run() {
            Iterator<Stage> onError = plan.onError().iterator();
            Iterator<Stage> onContextWindow = plan.onContextWindow().iterator();
            Iterator<Stage> onContentPolicy = plan.onContentPolicy().iterator();
            Stage stage = plan.requested();
            while (stage != null) {
                Routed.Served<T> served = visited.add(stage.model().id()) ? serve(stage) : null;
                if (served != null) return served;
                if (attemptsLeft == 0 || expired() || Thread.currentThread().isInterrupted()) break;
                ErrorKind why = lastError == null ? ErrorKind.UPSTREAM_UNAVAILABLE : lastError.kind();
                Iterator<Stage> next = switch (why) {
                    case CONTEXT_WINDOW_EXCEEDED -> onContextWindow;
                    case CONTENT_FILTERED -> onContentPolicy;
                    default -> why.retryable() || refusedBy != null ? onError : null;
                };
                stage = next != null && next.hasNext() ? next.next() : null;
            }
            return new Routed.Failed<>(finalError(), lastModel, lastDeployment, new RouteTrace(trace));
        }

        /** Tries one model's deployments; the answer, or {@code null} with {@link #lastError} saying why not. */
        private Routed.Served<T> serve(Stage stage) {
            ModelEntry model = stage.model();
            if (stage.excluded() > 0) {
                passedOver.add(model.id() + ": " + stage.excluded() + " of its deployments not allowed for you");
            }
            if (stage.deployments().isEmpty()) return null;
            List<Deployment> fitting = stage.deployments().stream().filter(d -> fits(model, d)).toList();
            if (fitting.isEmpty()) {
                note(new QuarryError(ErrorKind.CONTEXT_WINDOW_EXCEEDED, "The input is about " + promptTokens
                        + " tokens, more than the context window of every deployment of '" + model.id() + "' (" + windows(model, stage)
                        + ").", null, null));
                return null;
            }
            List<Deployment> order = Strategies.order(stage.strategy(), model, fitting, health, costs, random.get());
            int spent = 0;
            for (int round = 0; spent < retry.attemptsPerModel(); round++) {
                boolean attempted = false;
                for (Deployment deployment : order) {
                    if (spent == retry.attemptsPerModel() || attemptsLeft == 0 || expired()) return null;
                    if (Thread.currentThread().isInterrupted()) return null;
                    if (cannotCarry.contains(RoutePlan.key(model, deployment))) continue;
                    DeploymentHealth h = health.of(deployment);
                    if (tried.contains(RoutePlan.key(model, deployment)) && !backOff(round, h)) continue;
                    if (alternatives && !h.tryAcquire(nanos.getAsLong())) {
                        cooling(deployment, h);
                        continue;
                    }
                    Tried<T> outcome = attempt(model, deployment, h);
                    if (outcome.served() != null) return outcome.served();
                    if (outcome.counted()) {
                        attempted = true;
                        spent++;
                        if (!lastError.kind().retryable()) return null;
                    }
                }
                if (!attempted) return null;
            }
            return null;
        }

        private record Tried<T>(Routed.Served<T> served, boolean counted) {}

        private Tried<T> attempt(ModelEntry model, Deployment deployment, DeploymentHealth h) {
            h.started();
            long start = nanos.getAsLong();
            boolean served = false;
            try {
                T value = attempts.open(attempter, model, deployment, deadline - start);
                long took = nanos.getAsLong() - start;
                if (attempter.answersWhole(model, deployment)) h.answered();
                else h.succeeded(took);
                served = true;
                counted(model, deployment, new RouteTrace.Attempt(model.id(), deployment.key(), null, took / 1_000_000));
                return new Tried<>(new Routed.Served<>(value, model, deployment, new RouteTrace(trace), failure -> {
                    h.finished();
                    if (failure != null && failure.kind().retryable()) h.failed(nanos.getAsLong());
                }), true);
            } catch (AtCapacity e) {
                h.released();
                passedOver.add(deployment.key() + ": " + e.getMessage());
                if (e.retryAfter() != null) soonestAvailable = Math.min(soonestAvailable, saturatedNanos(e.retryAfter()));
                if (lastError == null || refusedBy != null) note(QuarryError.of(ErrorKind.RATE_LIMITED, e.getMessage()));
                return new Tried<>(null, false);
            } catch (CannotCarry e) {
                h.released();
                cannotCarry.add(RoutePlan.key(model, deployment));
                // The refusal is the answer only when nothing else went wrong: an upstream's failure says more.
                if (lastError == null || refusedBy != null) {
                    note(e.error());
                    refusedBy = deployment.key();
                } else {
                    passedOver.add(deployment.key() + ": " + e.getMessage());
                }
                return new Tried<>(null, false);
            } catch (RuntimeException e) {
                QuarryError error = e instanceof QuarryException q ? q.error()
                        : QuarryError.of(ErrorKind.UPSTREAM_ERROR, "Deployment " + deployment.key() + " failed unexpectedly: " + e);
                long now = nanos.getAsLong();
                counted(model, deployment, new RouteTrace.Attempt(model.id(), deployment.key(), error.kind(), (now - start) / 1_000_000));
                judge(h, error, now);
                note(error);
                return new Tried<>(null, true);
            } finally {
                if (!served) h.finished();
            }
        }

        private void counted(ModelEntry model, Deployment deployment, RouteTrace.Attempt attempt) {
            attemptsLeft--;
            tried.add(RoutePlan.key(model, deployment));
            lastModel = model;
            lastDeployment = deployment;
            trace.add(attempt);
        }

        /** What a failure says of the deployment: throttled, unhealthy, or nothing (the request's own fault). */
        private void judge(DeploymentHealth h, QuarryError error, long now) {
            if (Thread.currentThread().isInterrupted() || error.kind() == ErrorKind.UPSTREAM_TIMEOUT && now - deadline >= 0) {
                h.released(); // the request was cancelled, or its own budget ran out: no verdict on the deployment
            } else if (error.kind() == ErrorKind.RATE_LIMITED) {
                h.throttled(now, error.retryAfter() == null ? 0 : saturatedNanos(error.retryAfter()));
            } else if (error.kind().retryable()) {
                h.failed(now);
            } else {
                h.released();
            }
        }

        /**
         * Waits before calling again a deployment that failed this request: exponential back-off with
         * jitter, or its cooldown if longer. {@code false} when that wait is too long to be worth it.
         */
        private boolean backOff(int round, DeploymentHealth h) {
            long ceiling = retry.maxBackoff().toNanos();
            long exponential = Math.min(ceiling, saturatedNanos(retry.initialBackoff().multipliedBy(1L << Math.min(Math.max(round - 1, 0), 20))));
            long jittered = exponential / 2 + (long) (random.get().nextDouble() * (exponential / 2.0));
            long now = nanos.getAsLong();
            long wait = Math.max(jittered, h.nanosUntilAvailable(now));
            if (wait > ceiling || now + wait - deadline > 0) return false;
            try {
                sleeper.sleep(wait);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw QuarryException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "The request was interrupted while waiting to retry.");
            }
        }

        private void cooling(Deployment deployment, DeploymentHealth h) {
            long wait = h.nanosUntilAvailable(nanos.getAsLong());
            soonestAvailable = Math.min(soonestAvailable, wait);
            passedOver.add(deployment.key() + ": cooling down after failures, for " + seconds(wait) + " s more");
            if (lastError == null || refusedBy != null) {
                note(new QuarryError(ErrorKind.UPSTREAM_UNAVAILABLE, "Every deployment that could serve this request is cooling "
                        + "down after failures.", null, Duration.ofNanos(wait)));
            }
        }

        private void note(QuarryError error) {
            if (refusedBy != null) passedOver.add(refusedBy + ": " + lastError.message());
            lastError = error;
            refusedBy = null;
        }

        /** The last error, with the route told when there was more than one place to go. */
        private QuarryError finalError() {
            QuarryError error = lastError != null ? lastError
                    : QuarryError.of(ErrorKind.UPSTREAM_UNAVAILABLE, "No deployment could be tried for this request.");
            if (trace.size() <= 1 && passedOver.isEmpty()) return error;
            StringBuilder message = new StringBuilder(error.message());
            message.append(" Quarry made ").append(trace.size()).append(trace.size() == 1 ? " attempt" : " attempts");
            if (!trace.isEmpty()) {
                message.append(" (");
                for (int i = 0; i < trace.size(); i++) {
                    RouteTrace.Attempt a = trace.get(i);
                    message.append(i == 0 ? "" : ", ").append(a.model()).append(" on ").append(a.deployment()).append(": ")
                            .append(a.failure().name().toLowerCase(Locale.ROOT));
                }
                message.append(")");
            }
            if (!passedOver.isEmpty()) message.append("; passed over ").append(String.join("; ", passedOver));
            message.append('.');
            Duration retryAfter = error.retryAfter() != null ? error.retryAfter()
                    : soonestAvailable != Long.MAX_VALUE && error.kind().retryable() ? Duration.ofNanos(soonestAvailable) : null;
            return new QuarryError(error.kind(), message.toString(), error.param(), retryAfter);
        }

        private boolean fits(ModelEntry model, Deployment deployment) {
            int window = deployment.contextWindowOf(model);
            return window == 0 || promptTokens <= window;
        }

        private boolean expired() {
            return nanos.getAsLong() - deadline >= 0;
        }
    }

    private static String windows(ModelEntry model, Stage stage) {
        return stage.deployments().stream().map(d -> d.key() + " " + d.contextWindowOf(model)).distinct()
                .reduce((a, b) -> a + ", " + b).orElse("");
    }

    /** A duration in nanoseconds, at most a day: an upstream may send any Retry-After, and a configuration any back-off. */
    private static long saturatedNanos(Duration duration) {
        return duration.compareTo(MAX_WAIT) > 0 ? MAX_WAIT.toNanos() : Math.max(0, duration.toNanos());
    }

    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
