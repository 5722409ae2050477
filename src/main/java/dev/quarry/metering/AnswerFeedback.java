package dev.quarry.metering;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Objects;

/**
 * Callers' ratings of the answers they got, by request id, for experiment reports. A caller can
 * rate only its own requests, and rating one again replaces the earlier rating.
 */
public final class AnswerFeedback {
    /** The longest comment, in characters (as the column's VARCHAR counts them on PostgreSQL). */
    public static final int MAX_COMMENT = 2000;

    /** A rating as stored, with what the ledger says of the request it rates. */
    public record Recorded(String requestId, double score, String experiment, String variant, String model) {}

    private final Database db;
    private final Clock clock;

    public AnswerFeedback(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Records (or replaces) a principal's rating of one of its requests.
     *
     * @param score   0 (bad) to 1 (good)
     * @param comment free text, or {@code null}
     * @throws QuarryException INVALID_REQUEST naming {@code score} or {@code comment}; NOT_FOUND when
     *                         the principal made no such request, whether or not another principal did
     */
    public Recorded record(String requestId, String principalId, double score, String comment) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(principalId, "principalId");
        // Written this way round so that NaN, which compares false with everything, is refused too.
        if (!(score >= 0 && score <= 1)) {
            throw QuarryException.invalid("score", "'score' must be a number from 0 (bad) to 1 (good); got " + score + ".");
        }
        if (comment != null && comment.codePointCount(0, comment.length()) > MAX_COMMENT) {
            throw QuarryException.invalid("comment", "'comment' must be at most " + MAX_COMMENT + " characters long.");
        }
        return db.transaction(c -> {
            Recorded recorded;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT experiment, variant, model FROM usage_ledger WHERE request_id = ? AND principal_id = ?")) {
                s.setString(1, requestId);
                s.setString(2, principalId);
                try (ResultSet r = s.executeQuery()) {
                    // The same answer for another principal's request as for none: ids are not to be probed.
                    if (!r.next()) throw QuarryException.of(ErrorKind.NOT_FOUND, "You made no request '" + requestId + "' to rate.");
                    recorded = new Recorded(requestId, score, r.getString(1), r.getString(2), r.getString(3));
                }
            }
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO answer_feedback (request_id, principal_id, score, comment, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (request_id) DO UPDATE SET score = excluded.score, comment = excluded.comment,
                        created_at = excluded.created_at""")) {
                s.setString(1, requestId);
                s.setString(2, principalId);
                s.setDouble(3, score);
                s.setString(4, comment);
                s.setLong(5, clock.millis());
                s.executeUpdate();
            }
            return recorded;
        });
    }
}
