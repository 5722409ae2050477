package dev.quarry.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class BudgetBookTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final List<ThresholdAlert> alerts = new CopyOnWriteArrayList<>();
    private final BudgetBook book = new BudgetBook(clock, alerts::add);

    @Test
    void aReservationThatWouldPassTheLimitIsRefusedNamingTheBudget() {
        Budget budget = Budgets.daily("team", 1_000_000);
        book.install(List.of(budget), (b, w) -> 300_000);
        book.reserve(List.of(budget), 500_000);

        assertThatThrownBy(() -> book.reserve(List.of(budget), 200_001))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.error().kind()).isEqualTo(ErrorKind.BUDGET_EXCEEDED);
                    assertThat(e.error().message()).contains("'team'", "limit $1.00", "spent $0.30", "reserved by requests in flight $0.50",
                            "could cost up to $0.200001");
                });
        book.reserve(List.of(budget), 200_000);
        assertThat(status(budget).remainingMicros()).isZero();
    }

    @Test
    void aRefusalOnOneBudgetReservesOnNone() {
        Budget roomy = Budgets.daily("roomy", 10_000_000);
        Budget tight = Budgets.daily("tight", 100_000);
        book.install(List.of(roomy, tight), (b, w) -> 0);

        assertThatThrownBy(() -> book.reserve(List.of(roomy, tight), 200_000)).isInstanceOf(QuarryException.class);

        assertThat(status(roomy).reservedMicros()).isZero();
        assertThat(status(tight).reservedMicros()).isZero();
    }

    @Test
    void settlingReleasesTheReservationAndCountsTheActualCostOnce() {
        Budget budget = Budgets.daily("team", 1_000_000);
        book.install(List.of(budget), (b, w) -> 0);
        Reservation r = book.reserve(List.of(budget), 400_000);

        r.settle(123_456);
        r.settle(123_456);

        assertThat(status(budget).reservedMicros()).isZero();
        assertThat(status(budget).spentMicros()).isEqualTo(123_456);
    }

    @Test
    void eachThresholdAlertsOncePerPeriod() {
        Budget budget = Budgets.daily("team", 1_000_000, 50, 80);
        book.install(List.of(budget), (b, w) -> 0);

        book.reserve(List.of(budget), 10).settle(500_000);
        book.reserve(List.of(budget), 10).settle(10_000);
        assertThat(alerts).extracting(ThresholdAlert::thresholdPercent).containsExactly(50);

        book.reserve(List.of(budget), 10).settle(400_000);
        assertThat(alerts).extracting(ThresholdAlert::thresholdPercent).containsExactly(50, 80);
        assertThat(status(budget).thresholdsCrossed()).containsExactly(50, 80);

        clock.advance(Duration.ofDays(1));
        book.reserve(List.of(budget), 10).settle(600_000);
        assertThat(alerts).extracting(ThresholdAlert::thresholdPercent).containsExactly(50, 80, 50);
    }

    @Test
    void thresholdsTheLedgerAlreadyShowsCrossedDoNotAlertAgainAfterARestart() {
        Budget budget = Budgets.daily("team", 1_000_000, 50);
        book.install(List.of(budget), (b, w) -> 600_000);

        book.reserve(List.of(budget), 10).settle(10_000);

        assertThat(alerts).isEmpty();
        assertThat(status(budget).thresholdsCrossed()).containsExactly(50);
    }

    @Test
    void aNewDayStartsFromNothingAndCostCountsInTheDayItSettled() {
        Budget budget = Budgets.daily("team", 1_000_000);
        book.install(List.of(budget), (b, w) -> 900_000);
        Reservation late = book.reserve(List.of(budget), 100_000);

        clock.advance(Duration.ofDays(1));
        late.settle(70_000);

        BudgetStatus today = status(budget);
        assertThat(today.window().start()).isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
        assertThat(today.spentMicros()).isEqualTo(70_000);
        assertThat(today.reservedMicros()).isZero();
    }

    @Test
    void aDeletedBudgetNoLongerRefusesAndItsInFlightRequestsSettleHarmlessly() {
        Budget budget = Budgets.daily("team", 100_000);
        book.install(List.of(budget), (b, w) -> 0);
        Reservation inFlight = book.reserve(List.of(budget), 100_000);

        book.install(List.of(), (b, w) -> 0);
        inFlight.settle(100_000);

        assertThat(book.reserve(List.of(budget), 1_000_000)).isNotNull();
        assertThat(book.status(budget.id())).isEmpty();
    }

    @Test
    void reloadingKeepsWhatAKnownBudgetHasSeenAndReadsTheLedgerForNewOnes() {
        Budget known = Budgets.daily("known", 1_000_000);
        Budget added = Budgets.daily("added", 1_000_000);
        book.install(List.of(known), (b, w) -> 100);
        book.reserve(List.of(known), 1_000).settle(500);

        book.install(List.of(known, added), (b, w) -> 7);

        assertThat(status(known).spentMicros()).isEqualTo(600);
        assertThat(status(added).spentMicros()).isEqualTo(7);
    }

    @Test
    void aCustomPeriodGovernsOnlyInsideItsWindow() {
        Budget launch = new Budget("launch", "launch", new Scope(Scope.Kind.ORGANISATION, null),
                new Period(Period.Kind.CUSTOM, Instant.parse("2026-11-23T12:00:00Z"), Instant.parse("2026-11-24T00:00:00Z")), 100, List.of(), null);
        book.install(List.of(launch), (b, w) -> 0);

        assertThat(book.reserve(List.of(launch), 1_000)).isNotNull();
        clock.advance(Duration.ofHours(3));
        assertThatThrownBy(() -> book.reserve(List.of(launch), 1_000)).isInstanceOf(QuarryException.class);
    }

    private BudgetStatus status(Budget budget) {
        return book.status(budget.id()).orElseThrow();
    }
}
