package dev.quarry.bench.jmh;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.catalog.Capability;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.catalog.ModelKind;
import dev.quarry.catalog.Price;
import dev.quarry.routing.Attempter;
import dev.quarry.routing.CooldownPolicy;
import dev.quarry.routing.CostOf;
import dev.quarry.routing.RetryPolicy;
import dev.quarry.routing.RoutePlan;
import dev.quarry.routing.Routed;
import dev.quarry.routing.Router;
import dev.quarry.routing.Stage;
import dev.quarry.routing.Strategy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;

/**
 * The router's own cost for one request over a plan of three deployments of one model, with an
 * attempter that answers from memory at once: ordering (priority strategy), health bookkeeping,
 * the trace, and each attempt's deadline (registered with {@code Attempts}' timer and taken off
 * again). {@link #firstDeploymentServes} is the usual case; {@link #failoverToSecond} has the first
 * deployment fail (a retryable 502) so the second serves, two attempts; the cooldown policy never
 * opens the circuit, so every invocation sees the same health. {@link #virtualThreadHandOff} is the
 * per-attempt hand-off {@code Attempts} made until issue 18 (start a virtual thread, complete a
 * future, wait on it with a time-out), kept as the reference its timer replaced.
 *
 * <p>JMH calls from a platform thread, so there the hand-off wakes a parked platform thread (a
 * futex round trip). Quarry's server serves each request on a virtual thread; the
 * {@code …OnVirtualThread} variants run {@value #BATCH} calls in a row on one virtual thread and
 * report the cost of one, which is the server's case.
 */
public class RoutingBench extends Microbenchmark {
    static final int BATCH = 100;

    private static final Deployment OPENAI_EU = new Deployment("openai-eu", "gpt-5.5-2026-01-15", "eu-west-1", 1, 0, 0);
    private static final Deployment AZURE_EU = new Deployment("azure-sweden", "gpt-5.5", "swedencentral", 1, 1, 0);
    private static final Deployment OPENAI_US = new Deployment("openai-us", "gpt-5.5-2026-01-15", "us-east-1", 1, 2, 0);

    Router router;
    RoutePlan plan;
    final Attempter<String> answers = (model, deployment) -> "stream from " + deployment.key();
    final Attempter<String> firstFails = (model, deployment) -> {
        if (deployment == OPENAI_EU) throw QuarryException.of(ErrorKind.UPSTREAM_ERROR, "openai-eu answered 502 Bad Gateway");
        return "stream from " + deployment.key();
    };

    @Setup
    public void setUp() {
        // Failures never open the circuit here (and are forgotten after 1 ms), so the failover case stays the same every time.
        router = new Router(RetryPolicy.DEFAULT, new CooldownPolicy(Integer.MAX_VALUE, Duration.ofMillis(1), Duration.ofSeconds(30),
                Duration.ofSeconds(1)));
        List<Deployment> deployments = List.of(OPENAI_EU, AZURE_EU, OPENAI_US);
        ModelEntry model = new ModelEntry("gpt-5.5", "gpt", ModelKind.CHAT, "GPT-5.5", 400_000, 128_000,
                Set.of(Capability.TOOLS), List.of("gpt-latest"), deployments, Price.UNPRICED, false);
        plan = RoutePlan.single(new Stage(model, Strategy.PRIORITY, deployments, 0));
        expect(firstDeploymentServes(), OPENAI_EU);
        expect(failoverToSecond(), AZURE_EU);
    }

    private static void expect(Routed<String> routed, Deployment deployment) {
        if (!(routed instanceof Routed.Served<String> served) || served.deployment() != deployment) {
            throw new IllegalStateException("expected an answer from " + deployment.key() + ", got " + routed);
        }
    }

    @Benchmark
    public Routed<String> firstDeploymentServes() {
        return finish(router.route(plan, 1_200, CostOf.UNPRICED, answers));
    }

    @Benchmark
    public Routed<String> failoverToSecond() {
        return finish(router.route(plan, 1_200, CostOf.UNPRICED, firstFails));
    }

    @Benchmark
    public String virtualThreadHandOff() throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofVirtual().name("quarry-attempt-openai-eu/gpt-5.5").start(() -> result.complete("stream"));
        return result.get(60, TimeUnit.SECONDS);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int firstDeploymentServesOnVirtualThread() throws Exception {
        return onVirtualThread(() -> {
            int served = 0;
            for (int i = 0; i < BATCH; i++) if (firstDeploymentServes() instanceof Routed.Served<String>) served++;
            return served;
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int virtualThreadHandOffOnVirtualThread() throws Exception {
        return onVirtualThread(() -> {
            int length = 0;
            for (int i = 0; i < BATCH; i++) length += virtualThreadHandOff().length();
            return length;
        });
    }

    private static <T> T onVirtualThread(Callable<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().name("quarry-request").start(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result.get(60, TimeUnit.SECONDS);
    }

    /** The gateway ends every served answer, which releases the deployment's in-flight count. */
    private static Routed<String> finish(Routed<String> routed) {
        if (routed instanceof Routed.Served<String> served) served.finished().accept(null);
        return routed;
    }
}
