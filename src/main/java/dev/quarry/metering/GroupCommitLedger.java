package dev.quarry.metering;

import dev.quarry.store.Database;
import dev.quarry.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collections;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * A ledger that writes each record through the store's group commit ({@link Database#commitGrouped}):
 * records and audit events queued together are inserted in one transaction, so under load one
 * commit serves many requests, and at rest a record is committed at once. A record the shared
 * transaction failed on is committed alone, so one bad record costs nobody else their row; what
 * happens next (retries, a reduced record) runs on the caller's thread, holding up nobody else.
 */
public final class GroupCommitLedger implements Ledger {
    private static final Logger LOG = Logger.getLogger(GroupCommitLedger.class.getName());
    /** Retries of one record the store failed on for reasons of its own, after 100 then 200 ms. */
    private static final int RETRIES = 2;
    private static final long RETRY_MILLIS = 100;

    private final Database db;
    /**
     * Guards {@code closed} and {@code writing}: a record checks and counts itself in, close sets
     * {@code closed} and waits for the count to drop to zero, so close returns only once every
     * record that got in is settled.
     */
    private final Object queueLock = new Object();
    private boolean closed;
    private int writing;
    /** Runs between a record's check that the ledger is open and its counting in: a test's way into that window. */
    private final Runnable queueing;

    private static final List<String> COLUMNS = List.of("request_id", "principal_id", "surface", "operation", "model", "provider",
            "upstream_model", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "latency_ms", "status", "error_kind",
            "created_at", "platform", "cost_micros", "currency", "attempts", "experiment", "variant", "guardrail", "guardrail_action",
            "on_behalf_of", "session_id", "turn_id");
    /**
     * A record replaces only an {@code interrupted} row of its request: the estimate an agent turn's
     * new runner wrote for a call whose node it took the turn from, when that node was cut off but
     * not dead and its call ended after all. Any other row of the request stays, and the record is
     * refused as a duplicate.
     */
    private static final String INSERT = "INSERT INTO usage_ledger (" + String.join(", ", COLUMNS) + ") VALUES ("
            + String.join(", ", Collections.nCopies(COLUMNS.size(), "?")) + ") ON CONFLICT (request_id) DO UPDATE SET "
            + COLUMNS.stream().skip(1).map(col -> col + " = excluded." + col).collect(Collectors.joining(", "))
            + " WHERE usage_ledger.status = 'interrupted'";
    /** The SQL state of a unique violation, which {@link StoreException#refusedTheData} reads as the store refusing the record. */
    private static final String UNIQUE_VIOLATION = "23505";

    public GroupCommitLedger(Database db) {
        this(db, () -> {});
    }

    GroupCommitLedger(Database db, Runnable queueing) {
        this.db = db;
        this.queueing = queueing;
    }

    /**
     * Returns once the record is committed. A record the store fails on for reasons of its own
     * (down, busy, a lost race) is retried a couple of times, and stored reduced ({@link UsageRecord#reduced()})
     * only when the store refuses the record itself; a record that cannot be stored even so, or not
     * while the store is down, fails its caller.
     */
    @Override
    public void record(UsageRecord record) {
        synchronized (queueLock) {
            if (closed) throw new IllegalStateException("the ledger is closed");
            queueing.run();
            writing++;
        }
        try {
            RuntimeException failure = tryInsert(record);
            for (int retry = 0; failure != null && !StoreException.refusedTheData(failure) && retry < RETRIES; retry++) {
                pause(RETRY_MILLIS << retry);
                failure = tryInsert(record);
            }
            if (failure == null) return;
            if (StoreException.refusedTheData(failure)) {
                storeReduced(record, failure);
            } else {
                LOG.log(Level.SEVERE, "ledger record " + record.requestId() + " could not be stored: the store is unavailable", failure);
                throw new StoreException("the ledger could not record request " + record.requestId(), failure);
            }
        } finally {
            synchronized (queueLock) {
                if (--writing == 0) queueLock.notifyAll();
            }
        }
    }

    /** @return why the insert failed, or {@code null} once committed */
    private RuntimeException tryInsert(UsageRecord record) {
        try {
            insert(record);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // the record is settled either way: kept for the caller to see once it is
            Thread.currentThread().interrupt();
        }
    }

    private void storeReduced(UsageRecord record, RuntimeException refused) {
        try {
            insert(record.reduced());
            LOG.log(Level.SEVERE, "the store refused ledger record " + record + "; stored it reduced", refused);
        } catch (RuntimeException e) {
            e.addSuppressed(refused);
            LOG.log(Level.SEVERE, "ledger record " + record.requestId() + " could not be stored", e);
            throw new StoreException("the ledger could not record request " + record.requestId(), e);
        }
    }

    private void insert(UsageRecord r) {
        db.commitGrouped(statements -> {
            PreparedStatement s = statements.prepared(INSERT);
            s.setString(1, r.requestId());
            s.setString(2, r.principalId());
            s.setString(3, r.surface());
            s.setString(4, r.operation());
            s.setString(5, r.model());
            s.setString(6, r.provider());
            s.setString(7, r.upstreamModel());
            s.setLong(8, r.usage().inputTokens());
            s.setLong(9, r.usage().outputTokens());
            s.setLong(10, r.usage().cacheReadTokens());
            s.setLong(11, r.usage().cacheWriteTokens());
            s.setLong(12, r.latencyMillis());
            s.setString(13, r.status());
            s.setString(14, r.errorKind());
            s.setLong(15, r.createdAt().toEpochMilli());
            s.setString(16, r.platform());
            s.setObject(17, r.costMicros(), Types.BIGINT);
            s.setString(18, r.costMicros() == null ? null : UsageRecord.CURRENCY);
            s.setInt(19, r.routing().attempts());
            s.setString(20, r.routing().experiment());
            s.setString(21, r.routing().variant());
            s.setString(22, r.guarding().guardrail());
            s.setString(23, r.guarding().action());
            s.setString(24, r.onBehalfOf());
            s.setString(25, r.sessionId());
            s.setString(26, r.turnId());
            if (s.executeUpdate() == 0) throw new SQLException("a ledger row for request " + r.requestId() + " exists", UNIQUE_VIOLATION);
            return null;
        });
    }

    /** Records handed over but not yet settled. */
    public int queued() {
        synchronized (queueLock) {
            return writing;
        }
    }

    /** Refuses new records and waits until those already handed over are settled. */
    @Override
    public void close() {
        synchronized (queueLock) {
            closed = true;
            while (writing > 0) {
                try {
                    queueLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
