package dev.quarry.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.QuarryException;
import dev.quarry.testing.TestClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The reservation invariant over random interleavings of reservations and settlements on two
 * overlapping budgets: spent + reserved never passes a limit by more than one reservation (with
 * actual costs within their reservations, it never passes it at all), and a refusal reserves nothing.
 */
class BudgetBookPropertiesTest {
    private static final Budget SMALL = Budgets.daily("small", 50_000);
    private static final Budget LARGE = Budgets.daily("large", 120_000);

    /** Reserve {@code micros} on the chosen budgets, or settle the in-flight reservation at {@code pick} at that share of it. */
    record Op(boolean reserve, long micros, boolean both, int pick, int costPercent) {}

    @Property
    void spentPlusReservedStaysWithinTheLimit(@ForAll("ops") List<Op> ops) {
        BudgetBook book = new BudgetBook(new TestClock(Instant.parse("2026-11-23T10:00:00Z")), alert -> { });
        book.install(List.of(SMALL, LARGE), (b, w) -> 0);
        List<Reservation> inFlight = new ArrayList<>();
        long largestReservation = 0;
        for (Op op : ops) {
            if (op.reserve() || inFlight.isEmpty()) {
                List<Budget> on = op.both() ? List.of(SMALL, LARGE) : List.of(LARGE);
                long[] before = reserved(book);
                try {
                    inFlight.add(book.reserve(on, op.micros()));
                    largestReservation = Math.max(largestReservation, op.micros());
                } catch (QuarryException refused) {
                    assertThat(reserved(book)).as("a refusal reserves on no budget").containsExactly(before);
                }
            } else {
                Reservation r = inFlight.remove(op.pick() % inFlight.size());
                r.settle(r.micros * op.costPercent() / 100);
            }
            for (Budget b : List.of(SMALL, LARGE)) {
                BudgetStatus s = book.status(b.id()).orElseThrow();
                assertThat(s.spentMicros() + s.reservedMicros()).isLessThanOrEqualTo(b.limitMicros());
                assertThat(s.spentMicros() + s.reservedMicros()).isLessThanOrEqualTo(b.limitMicros() + largestReservation);
            }
        }
        inFlight.forEach(r -> r.settle(0));
        assertThat(reserved(book)).containsExactly(0, 0);
    }

    private static long[] reserved(BudgetBook book) {
        return new long[] {book.status(SMALL.id()).orElseThrow().reservedMicros(), book.status(LARGE.id()).orElseThrow().reservedMicros()};
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.of(true, false), Arbitraries.longs().between(1, 30_000),
                Arbitraries.of(true, false), Arbitraries.integers().between(0, 1_000), Arbitraries.integers().between(0, 100)).as(Op::new);
        return op.list().ofMaxSize(200);
    }
}
