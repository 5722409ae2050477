package dev.quarry.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.catalog.Capability;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.catalog.ModelKind;
import dev.quarry.catalog.Price;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.provider.UpstreamHttp;
import io.helidon.webclient.api.HttpClientResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The attempt runs on the caller's thread; its deadline interrupts that thread, and the interrupt never outlives the attempt. */
class AttemptsTest {
    private static final Deployment US = new Deployment("openai-us", "gpt");
    private static final ModelEntry GPT = new ModelEntry("gpt-5.5", "test", ModelKind.CHAT, "gpt-5.5", 0, 1000, Set.of(Capability.TOOLS),
            List.of(), List.of(US), Price.UNPRICED, true);
    private static final long NO_BUDGET_LIMIT = Long.MAX_VALUE;

    private final ConcurrentLinkedQueue<String> discarded = new ConcurrentLinkedQueue<>();

    @Test
    void aLateAnswerIsDiscardedAndTheTimersInterruptIsCleared() {
        Attempts attempts = new Attempts(Duration.ofMillis(50));
        // Returns only once interrupted, with the interrupt status still set, as a socket read does.
        assertThatThrownBy(() -> attempts.open(attempter(() -> {
            while (!Thread.currentThread().isInterrupted()) Thread.onSpinWait();
            return "late";
        }), GPT, US, NO_BUDGET_LIMIT))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.error().kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
                    assertThat(e.getMessage()).contains("openai-us/gpt", "'gpt-5.5'", "within 50 ms");
                });
        assertThat(discarded).containsExactly("late");
        assertThat(Thread.currentThread().isInterrupted()).as("the timer's interrupt stays with the attempt").isFalse();
    }

    /** The upstream was asked for the whole answer: its first event is its last, so only the request's budget bounds it. */
    @Test
    void aWholeAnswerIsBoundedByTheRequestsBudgetNotTheAttemptTimeOut() {
        Attempts attempts = new Attempts(Duration.ofMillis(20));
        Attempter<String> whole = new Attempter<>() {
            @Override
            public String open(ModelEntry model, Deployment deployment) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "interrupted";
                }
                return "whole";
            }

            @Override
            public boolean answersWhole(ModelEntry model, Deployment deployment) {
                return true;
            }
        };
        assertThat(attempts.open(whole, GPT, US, Duration.ofSeconds(10).toNanos())).isEqualTo("whole");
        assertThatThrownBy(() -> attempts.open(whole, GPT, US, Duration.ofMillis(50).toNanos()))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.getMessage()).contains("within 50 ms"));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void anAttemptThatFailsBecauseOfTheDeadlineIsATimeOut() {
        Attempts attempts = new Attempts(Duration.ofMillis(50));
        assertThatThrownBy(() -> attempts.open(attempter(() -> {
            try {
                Thread.sleep(Duration.ofSeconds(30));
                return "never";
            } catch (InterruptedException e) {
                throw QuarryException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "connection closed"); // and the status is lost
            }
        }), GPT, US, NO_BUDGET_LIMIT))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.error().kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT));
        assertThat(discarded).isEmpty();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    /** The timer, asleep until a far deadline, is woken for a nearer one. (The time-out only guards against a hang.) */
    @Test
    @Timeout(60)
    void aShortDeadlineIsKeptWhileALongOneIsPending() throws Exception {
        CountDownLatch longStarted = new CountDownLatch(1);
        Thread longAttempt = Thread.ofVirtual().start(() -> {
            try {
                new Attempts(Duration.ofHours(1)).open(attempter(() -> {
                    longStarted.countDown();
                    while (!Thread.currentThread().isInterrupted()) Thread.onSpinWait();
                    return "cancelled";
                }), GPT, US, NO_BUDGET_LIMIT);
            } catch (QuarryException expected) {
                // interrupted below
            }
        });
        longStarted.await();
        try {
            assertThatThrownBy(() -> new Attempts(Duration.ofMillis(50)).open(attempter(() -> {
                while (!Thread.currentThread().isInterrupted()) Thread.onSpinWait();
                return "late";
            }), GPT, US, NO_BUDGET_LIMIT))
                    .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.error().kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT));
        } finally {
            longAttempt.interrupt();
            longAttempt.join();
        }
    }

    /** The timer firing as the attempt ends: whichever wins, the outcome is whole and no interrupt is left behind. */
    @Test
    void theTimerRacingTheAttemptsEndLeavesNoInterruptBehind() {
        int answered = 0;
        int timedOut = 0;
        for (int i = 0; i < 20_000; i++) {
            Attempts attempts = new Attempts(Duration.ofNanos(i % 50 * 1_000));
            String answer = "answer " + i;
            try {
                assertThat(attempts.open(attempter(() -> answer), GPT, US, NO_BUDGET_LIMIT)).isEqualTo(answer);
                answered++;
            } catch (QuarryException e) {
                assertThat(e.error().kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
                assertThat(discarded.poll()).as("a late answer is freed").isEqualTo(answer);
                timedOut++;
            }
            assertThat(Thread.currentThread().isInterrupted()).as("after attempt %d", i).isFalse();
        }
        assertThat(discarded).isEmpty();
        assertThat(answered + timedOut).isEqualTo(20_000);
    }

    @Test
    void theCallersInterruptCancelsTheAttemptAndIsKept() throws Exception {
        Attempts attempts = new Attempts(Duration.ofSeconds(60));
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread request = Thread.ofVirtual().start(() -> {
            try {
                attempts.open(attempter(() -> {
                    started.countDown();
                    while (!Thread.currentThread().isInterrupted()) Thread.onSpinWait();
                    return "unwanted";
                }), GPT, US, NO_BUDGET_LIMIT);
            } catch (Throwable t) {
                thrown.set(t);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        started.await();
        request.interrupt();
        request.join();
        assertThat(thrown.get()).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.error().kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
            assertThat(e.getMessage()).contains("interrupted");
        });
        assertThat(stillInterrupted.get()).isTrue();
        assertThat(discarded).containsExactly("unwanted");
    }

    /**
     * Helidon's client, reading from an upstream that accepted the request and says nothing, on a
     * kept-alive connection (whose first read goes through Helidon's idle monitor): the deadline
     * ends the read, the socket is closed, and the thread carries no interrupt afterwards.
     */
    @Test
    void aRealSocketReadIsEndedByTheDeadline() throws Exception {
        try (SilentUpstream upstream = new SilentUpstream(1)) {
            UpstreamHttp http = new UpstreamHttp(new ProviderSettings("slow", "openai-compatible", upstream.uri(), null, null, null, Map.of()),
                    (status, body, retryAfter) -> null);
            Attempts attempts = new Attempts(Duration.ofMillis(300));
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
            Thread request = Thread.ofVirtual().start(() -> {
                try {
                    attempts.open(attempter(() -> call(http)), GPT, US, NO_BUDGET_LIMIT); // answered
                    attempts.open(attempter(() -> call(http)), GPT, US, NO_BUDGET_LIMIT); // silent
                } catch (Throwable t) {
                    thrown.set(t);
                }
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
            request.join();
            assertThat(thrown.get()).isInstanceOfSatisfying(QuarryException.class, e -> {
                assertThat(e.error().kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
                assertThat(e.getMessage()).contains("within 300 ms");
            });
            assertThat(interruptedAfter.get()).isFalse();
            assertThat(upstream.closed.await(10, TimeUnit.SECONDS)).as("the silent connection was closed").isTrue();
        }
    }

    @Test
    void theCallersInterruptEndsARealSocketRead() throws Exception {
        callerInterruptsARealRead(0);
    }

    /**
     * Helidon's idle monitor wraps the interrupt in a RuntimeException and clears the thread's
     * status. (Helidon 4.5.0 then leaves that connection open, neither pooled nor closed, until it is
     * collected: it closes a connection only on an UncheckedIOException. Not asserted here.)
     */
    @Test
    void theCallersInterruptEndsAReadThroughHelidonsIdleMonitor() throws Exception {
        callerInterruptsARealRead(1);
    }

    private void callerInterruptsARealRead(int answeredBefore) throws Exception {
        try (SilentUpstream upstream = new SilentUpstream(answeredBefore)) {
            UpstreamHttp http = new UpstreamHttp(new ProviderSettings("slow", "openai-compatible", upstream.uri(), null, null, null, Map.of()),
                    (status, body, retryAfter) -> null);
            Attempts attempts = new Attempts(Duration.ofSeconds(60));
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
            Thread request = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i <= answeredBefore; i++) attempts.open(attempter(() -> call(http)), GPT, US, NO_BUDGET_LIMIT);
                } catch (Throwable t) {
                    thrown.set(t);
                }
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            upstream.requested.await();
            request.interrupt();
            request.join();
            assertThat(thrown.get()).isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.getMessage()).contains("interrupted"));
            assertThat(stillInterrupted.get()).isTrue();
            if (answeredBefore == 0) assertThat(upstream.closed.await(10, TimeUnit.SECONDS)).as("the socket was closed").isTrue();
        }
    }

    private static String call(UpstreamHttp http) {
        try (HttpClientResponse response = http.postJson("/v1/chat/completions", "{}".getBytes(StandardCharsets.UTF_8), Map.of())) {
            return response.as(String.class);
        }
    }

    private Attempter<String> attempter(java.util.function.Supplier<String> answer) {
        return new Attempter<>() {
            @Override
            public String open(ModelEntry model, Deployment deployment) {
                return answer.get();
            }

            @Override
            public void discard(String late) {
                discarded.add(late);
            }
        };
    }

    /** Answers the first {@code answered} requests on a connection, then reads the next one and says nothing. */
    private static final class SilentUpstream implements AutoCloseable {
        final CountDownLatch requested = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);
        private final ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        private final Thread acceptor;

        SilentUpstream(int answered) throws IOException {
            acceptor = Thread.ofVirtual().start(() -> {
                try (Socket socket = server.accept()) {
                    var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                    OutputStream out = socket.getOutputStream();
                    for (int i = 0; ; i++) {
                        int length = 0;
                        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                            if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
                        }
                        in.skip(length);
                        if (i == answered) break;
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}"
                                .getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                    requested.countDown();
                    while (in.read() >= 0) {
                        // the client sends nothing more: wait for it to close
                    }
                } catch (IOException e) {
                    // a reset is a close too
                }
                closed.countDown();
            });
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            server.close();
            acceptor.interrupt();
        }
    }
}
