package dev.quarry.metering;

import static dev.quarry.testing.ExperimentTraffic.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestClock;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ratings of answers: validated, only by the principal whose request it was, replaced when given again; on SQLite and PostgreSQL. */
class AnswerFeedbackTest {
    private static final Instant NOW = Instant.parse("2026-03-03T09:00:00Z");

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void badRatingsAndRatingsOfOtherPeoplesRequestsAreRefused(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            AnswerFeedback feedback = feedbackOn(db, new TestClock(NOW),
                    request("r1", "alice", "duel", "gpt", "gpt-5.5", "completed", 100, 1_000L, "2026-03-02T10:00:00Z"),
                    request("r-bob", "bob", "duel", "claude", "claude-sonnet-4-5", "completed", 100, 1_000L, "2026-03-02T10:00:00Z"));

            for (double score : new double[] {-0.01, 1.01, Double.NaN, Double.POSITIVE_INFINITY}) {
                assertThat(error(() -> feedback.record("r1", "alice", score, null)))
                        .extracting(QuarryError::kind, QuarryError::param)
                        .containsExactly(ErrorKind.INVALID_REQUEST, "score");
            }
            assertThat(error(() -> feedback.record("r1", "alice", 1, "x".repeat(AnswerFeedback.MAX_COMMENT + 1))))
                    .extracting(QuarryError::kind, QuarryError::param, QuarryError::message)
                    .containsExactly(ErrorKind.INVALID_REQUEST, "comment", "'comment' must be at most 2000 characters long.");

            // Another principal's request gets the same answer as one that never was: ids are not to be probed.
            QuarryError unknown = error(() -> feedback.record("r-none", "alice", 1, null));
            QuarryError someoneElses = error(() -> feedback.record("r-bob", "alice", 1, null));
            assertThat(unknown.kind()).isEqualTo(ErrorKind.NOT_FOUND);
            assertThat(unknown.message()).isEqualTo("You made no request 'r-none' to rate.");
            assertThat(someoneElses.kind()).isEqualTo(ErrorKind.NOT_FOUND);
            assertThat(someoneElses.message()).isEqualTo(unknown.message().replace("r-none", "r-bob"));
            assertThat(stored(db)).isEmpty();

            // Characters, not UTF-16 units: 2000 emoji fit the column on PostgreSQL as they do here.
            String longest = "🙂".repeat(AnswerFeedback.MAX_COMMENT);
            feedback.record("r1", "alice", 0, longest);
            assertThat(stored(db)).containsExactly(tuple("r1", "alice", 0.0, longest, NOW.toEpochMilli()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void ratingAgainReplacesTheEarlierRatingAndEchoesTheVariant(String target) {
        TestClock clock = new TestClock(NOW);
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            AnswerFeedback feedback = feedbackOn(db, clock,
                    request("r1", "alice", "duel", "claude", "claude-sonnet-4-5", "completed", 100, 1_000L, "2026-03-02T10:00:00Z"),
                    request("r2", "alice", null, null, "gpt-5.5", "completed", 100, 1_000L, "2026-03-02T10:00:00Z"));

            assertThat(feedback.record("r1", "alice", 0.25, "too long-winded"))
                    .isEqualTo(new AnswerFeedback.Recorded("r1", 0.25, "duel", "claude", "claude-sonnet-4-5"));
            clock.advance(Duration.ofMinutes(5));
            assertThat(feedback.record("r1", "alice", 0.75, "on second thought, fine"))
                    .isEqualTo(new AnswerFeedback.Recorded("r1", 0.75, "duel", "claude", "claude-sonnet-4-5"));
            assertThat(feedback.record("r2", "alice", 1, null)).isEqualTo(new AnswerFeedback.Recorded("r2", 1, null, null, "gpt-5.5"));

            long later = NOW.plus(Duration.ofMinutes(5)).toEpochMilli();
            assertThat(stored(db)).containsExactly(tuple("r1", "alice", 0.75, "on second thought, fine", later),
                    tuple("r2", "alice", 1.0, null, later));
        }
    }

    /** The feedback store of a ledger holding these requests. */
    private static AnswerFeedback feedbackOn(Database db, TestClock clock, UsageRecord... requests) {
        try (GroupCommitLedger ledger = new GroupCommitLedger(db)) {
            for (UsageRecord r : requests) ledger.record(r);
        }
        return new AnswerFeedback(db, clock);
    }

    private static QuarryError error(ThrowingCallable call) {
        QuarryException thrown = catchThrowableOfType(QuarryException.class, call);
        assertThat(thrown).as("a QuarryException").isNotNull();
        return thrown.error();
    }

    /** The feedback table's rows, by request id. */
    private static List<Tuple> stored(Database db) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT request_id, principal_id, score, comment, created_at FROM answer_feedback ORDER BY request_id");
                 ResultSet r = s.executeQuery()) {
                List<Tuple> rows = new ArrayList<>();
                while (r.next()) rows.add(tuple(r.getString(1), r.getString(2), r.getDouble(3), r.getString(4), r.getLong(5)));
                return rows;
            }
        });
    }
}
