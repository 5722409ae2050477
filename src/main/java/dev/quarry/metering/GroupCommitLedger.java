package dev.quarry.metering;

import dev.quarry.store.Database;
import dev.quarry.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * A ledger that writes records in batches: one writer thread takes everything queued, inserts it
 * in one transaction, and releases all the callers waiting on that batch. Under load one commit
 * (one fsync) serves many requests; at rest a record is committed at once. A batch the store
 * refuses is written record by record, so one bad record costs nobody else their row.
 */
public final class GroupCommitLedger implements Ledger {
    private static final Logger LOG = Logger.getLogger(GroupCommitLedger.class.getName());
    private static final int MAX_BATCH = 512;
    /** Retries of one record the store failed on for reasons of its own, after 100 then 200 ms. */
    private static final int RETRIES = 2;
    private static final long RETRY_MILLIS = 100;

    private record Pending(UsageRecord record, CompletableFuture<Void> done) {}

    private static final Pending STOP = new Pending(null, null);

    private final Database db;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    /**
     * Guards {@code closed} with the queueing: a record checks and queues, close sets it and queues
     * the stop marker, each pair under this lock, so no record is ever queued behind the marker
     * (where the writer, gone, would leave its caller waiting for good).
     */
    private final Object queueLock = new Object();
    private boolean closed;
    /** Runs between a record's check that the ledger is open and its queueing: a test's way into that window. */
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
        this.writer = Thread.ofPlatform().name("quarry-ledger-writer").daemon(true).start(this::writeLoop);
    }

    @Override
    public void record(UsageRecord record) {
        Pending pending = new Pending(record, new CompletableFuture<>());
        synchronized (queueLock) {
            if (closed) throw new IllegalStateException("the ledger is closed");
            queueing.run();
            queue.add(pending);
        }
        try {
            pending.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the ledger", e);
        } catch (ExecutionException e) {
            throw new StoreException("the ledger could not record request " + record.requestId(), e.getCause());
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            boolean stop = batch.remove(STOP);
            if (!batch.isEmpty()) commit(batch);
            batch.clear();
            if (stop) return;
        }
    }

    /**
     * Commits the batch in one transaction; if the store refuses it, record by record, so that one
     * bad record fails nobody else's. A record alone is retried a couple of times while the store
     * fails for reasons of its own (down, busy, a lost race), and stored reduced ({@link UsageRecord#reduced()})
     * only when the store refuses the record itself; a record that cannot be stored even so, or
     * not while the store is down, fails its caller.
     */
    private void commit(List<Pending> batch) {
        RuntimeException failed = tryInsert(batch.stream().map(Pending::record).toList());
        if (failed == null) {
            batch.forEach(p -> p.done().complete(null));
        } else if (batch.size() == 1) {
            storeAlone(batch.getFirst(), failed);
        } else {
            LOG.log(Level.WARNING, "ledger batch of " + batch.size() + " records failed; writing them one by one", failed);
            for (Pending p : batch) storeAlone(p, tryInsert(List.of(p.record())));
        }
    }

    /** Settles a record after its first insert ended in {@code failure} ({@code null}: it is stored). */
    private void storeAlone(Pending p, RuntimeException failure) {
        for (int retry = 0; failure != null && !StoreException.refusedTheData(failure) && retry < RETRIES; retry++) {
            pause(RETRY_MILLIS << retry);
            failure = tryInsert(List.of(p.record()));
        }
        if (failure == null) {
            p.done().complete(null);
        } else if (StoreException.refusedTheData(failure)) {
            storeReduced(p, failure);
        } else {
            LOG.log(Level.SEVERE, "ledger record " + p.record().requestId() + " could not be stored: the store is unavailable", failure);
            p.done().completeExceptionally(failure);
        }
    }

    /** @return why the insert failed, or {@code null} once committed */
    private RuntimeException tryInsert(List<UsageRecord> records) {
        try {
            insert(records);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // Nobody interrupts the writer, and it must not stop: it ends at STOP.
        }
    }

    private void storeReduced(Pending p, RuntimeException refused) {
        try {
            insert(List.of(p.record().reduced()));
            LOG.log(Level.SEVERE, "the store refused ledger record " + p.record() + "; stored it reduced", refused);
            p.done().complete(null);
        } catch (RuntimeException e) {
            e.addSuppressed(refused);
            LOG.log(Level.SEVERE, "ledger record " + p.record().requestId() + " could not be stored", e);
            p.done().completeExceptionally(e);
        }
    }

    private void insert(List<UsageRecord> records) {
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(INSERT)) {
                for (UsageRecord r : records) {
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
                    s.addBatch();
                }
                int[] written = s.executeBatch();
                for (int i = 0; i < written.length; i++) {
                    if (written[i] == 0) throw new SQLException("a ledger row for request " + records.get(i).requestId() + " exists", UNIQUE_VIOLATION);
                }
                return written;
            }
        });
    }

    /** Records handed over but not yet in the store. */
    public int queued() {
        return queue.size();
    }

    @Override
    public void close() {
        synchronized (queueLock) {
            if (closed) return;
            closed = true;
            queue.add(STOP);
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
