package dev.quarry.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.Usage;
import dev.quarry.gateway.Settlement.Order;
import dev.quarry.gateway.Settlement.Settled;
import dev.quarry.identity.Credential;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SettlementTest {
    private static final Exchange EXCHANGE = Exchange.start("req_1", "test",
            () -> new Operation.Chat(ChatRequest.of("m", List.of(Message.user("hi"))), false), Credential.NONE, "127.0.0.1", "ua");
    private static final Settled DONE = Settled.completed(EXCHANGE, new Usage(3, 4, 0, 0));

    private final Settlement settlement = new Settlement();
    private final List<String> ran = new ArrayList<>();

    @Test
    void listenersRunByTheirOrderThenByRegistration() {
        settlement.on(Order.ROUTING, s -> ran.add("routing"));
        settlement.on(Order.RATE_LIMITS, s -> ran.add("caller limits"));
        settlement.on(Order.BUDGETS, s -> ran.add("budgets"));
        settlement.on(Order.RATE_LIMITS, s -> ran.add("capacity"));
        settlement.on(Order.LEDGER, s -> ran.add("ledger"));

        settlement.settle(DONE);

        assertThat(ran).containsExactly("ledger", "budgets", "caller limits", "capacity", "routing");
    }

    @Test
    void everyListenerGetsTheSameEnding() {
        List<Settled> seen = new ArrayList<>();
        settlement.on(Order.LEDGER, seen::add);
        settlement.on(Order.RATE_LIMITS, seen::add);

        settlement.settle(DONE);

        assertThat(seen).containsExactly(DONE, DONE);
    }

    @Test
    void aFailingListenerStopsNoOtherAndItsFailureIsThrownOnceAllRan() {
        IllegalStateException ledgerDown = new IllegalStateException("ledger down");
        IllegalStateException budgetBroken = new IllegalStateException("budget broken");
        settlement.on(Order.LEDGER, s -> {
            ran.add("ledger");
            throw ledgerDown;
        });
        settlement.on(Order.BUDGETS, s -> {
            ran.add("budgets");
            throw budgetBroken;
        });
        settlement.on(Order.RATE_LIMITS, s -> ran.add("rate limits"));

        assertThatThrownBy(() -> settlement.settle(DONE)).isSameAs(ledgerDown)
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(budgetBroken));
        assertThat(ran).containsExactly("ledger", "budgets", "rate limits");
    }

    @Test
    void itSettlesOnceHoweverOftenItIsAsked() {
        AtomicInteger settled = new AtomicInteger();
        settlement.on(Order.RATE_LIMITS, s -> settled.incrementAndGet());

        settlement.settle(DONE);
        settlement.settle(Settled.refused(EXCHANGE, null));

        assertThat(settled).hasValue(1);
    }

    @Test
    void itSettlesOnceWhenTwoThreadsEndTheAnswerAtOnce() throws Exception {
        AtomicInteger settled = new AtomicInteger();
        settlement.on(Order.RATE_LIMITS, s -> settled.incrementAndGet());
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                threads.submit(() -> {
                    go.await();
                    settlement.settle(DONE);
                    return null;
                });
            }
            go.countDown();
        }
        assertThat(settled).hasValue(1);
    }

    @Test
    void aListenerTooLateToRunIsRefused() {
        settlement.settle(DONE);

        assertThatThrownBy(() -> settlement.on(Order.BUDGETS, s -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already settled");
    }

    @Test
    void aStepThatReservesBeforeTheSettleStepRanIsStopped() {
        assertThatThrownBy(() -> Settlement.of(EXCHANGE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("before the settle step");
    }
}
