package dev.quarry.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.QuarryException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A session's turns may run on any node: what other nodes spent for it, once in the ledger, counts
 * against its cap on this node too, not only what this node saw when it first served the session.
 */
class SessionBudgetsTest {
    @Test
    void spendingOnAnotherNodeCountsOnceInTheLedger() {
        AtomicLong ledger = new AtomicLong();
        SessionBudgets here = new SessionBudgets(id -> ledger.get());
        here.reserve("sess_1", 100, 40).settle(40);
        ledger.set(40);
        // The next turn ran on another node, which spent 50 more.
        ledger.set(90);
        assertThat(here.remaining("sess_1", 100)).isEqualTo(10);
        assertThatThrownBy(() -> here.reserve("sess_1", 100, 20)).isInstanceOf(QuarryException.class)
                .hasMessageContaining("spend_control.limit");
    }

    @Test
    void whatThisNodeSpentBeforeTheLedgerHasItStillCounts() {
        SessionBudgets here = new SessionBudgets(id -> 0);
        here.reserve("sess_1", 100, 60).settle(60);
        assertThat(here.remaining("sess_1", 100)).isEqualTo(40);
        assertThatThrownBy(() -> here.reserve("sess_1", 100, 50)).isInstanceOf(QuarryException.class);
    }
}
