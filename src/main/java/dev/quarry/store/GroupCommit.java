package dev.quarry.store;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Commits the units of work several writers hand it (ledger rows, audit batches) together: one
 * writer thread takes everything queued and runs it in one transaction, so a request's ledger row
 * and its audit events usually share one commit, one fsync and one warm page cache. When that
 * transaction fails, each unit runs again in a transaction of its own, so a unit the store refuses
 * fails only its own caller, who decides what to do about it.
 *
 * <p>The writer is a platform thread: the SQLite driver is native code, which would pin a virtual
 * thread's carrier for the whole commit. At rest a unit is committed as soon as it is queued; the
 * hand-off to this thread costs two wake-ups. Letting a caller that finds nothing queued commit on
 * its own thread instead (leader/follower) was measured (bench/store/StoreWriterBench.java, SQLite,
 * process durability): one writer at a time, it saved ~60 µs of 125 at the p50; at 32 it halved
 * throughput, as leaders pinned a carrier and committed alone while the others queued behind them.
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GroupCommit.class.getName());
    /** Units per transaction: enough to absorb a burst, few enough that one transaction stays short. */
    private static final int MAX_UNITS = 256;

    /** A queued unit and its caller's wait; its result is kept aside until the transaction commits. */
    private static final class Pending<T> {
        private final GroupedWork<T> work;
        /** Whether the unit must survive a power loss, whatever {@code ledger.durability} says. */
        private final boolean power;
        private final CompletableFuture<T> done = new CompletableFuture<>();
        private T result;

        Pending(GroupedWork<T> work, boolean power) {
            this.work = work;
            this.power = power;
        }

        void run(Statements statements) throws java.sql.SQLException {
            result = work.run(statements);
        }

        void committed() {
            done.complete(result);
        }
    }

    private static final Pending<Void> STOP = new Pending<>(s -> null, false);

    private final Database db;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    /** Each connection's kept statements; only the writer thread touches them. */
    private final Map<Connection, Statements> statements = new IdentityHashMap<>();
    /** Guards {@code closed} with the queueing, so no unit is queued behind the stop marker. */
    private final Object queueLock = new Object();
    private boolean closed;
    private final Thread writer;

    GroupCommit(Database db) {
        this.db = db;
        this.writer = Thread.ofPlatform().name("quarry-store-writer").daemon(true).start(this::writeLoop);
    }

    /**
     * Commits the work, with whatever else is queued, and returns its result.
     *
     * @throws RuntimeException what the work or its transaction threw when it ran alone
     */
    <T> T commit(GroupedWork<T> work, boolean power) {
        Pending<T> pending = new Pending<>(work, power);
        synchronized (queueLock) {
            if (closed) throw new IllegalStateException("the store is closed");
            queue.add(pending);
        }
        // Uninterruptibly: the unit is queued and will be committed or refused whatever the caller does
        // now, and a caller told "failed" for a row that is committed would write it again.
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return pending.done.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) throw failure;
            throw new StoreException("store commit failed: " + e.getCause(), e.getCause());
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private void writeLoop() {
        List<Pending<?>> batch = new ArrayList<>(MAX_UNITS);
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_UNITS - 1);
            boolean stop = batch.remove(STOP);
            if (!batch.isEmpty()) commit(batch);
            batch.clear();
            if (stop) return;
        }
    }

    private void commit(List<Pending<?>> batch) {
        if (batch.size() > 1) {
            try {
                runInOneTransaction(batch);
                batch.forEach(Pending::committed);
                return;
            } catch (RuntimeException | Error e) {
                // Each caller hears of its own unit's failure below; this one is only why they run alone.
                LOG.log(Level.FINE, "a group commit of " + batch.size() + " units failed; committing them one by one", e);
            }
        }
        for (Pending<?> p : batch) {
            try {
                runInOneTransaction(List.of(p));
                p.committed();
            } catch (RuntimeException | Error e) {
                p.done.completeExceptionally(e);
            }
        }
    }

    private void runInOneTransaction(List<Pending<?>> units) {
        boolean power = false;
        for (Pending<?> p : units) power |= p.power;
        db.groupTransaction(c -> {
            Statements s = statements.computeIfAbsent(c, Statements::new);
            for (Pending<?> p : units) p.run(s);
            return null;
        }, power);
    }

    /** Commits what is queued, then stops the writer; units offered after are refused. */
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
