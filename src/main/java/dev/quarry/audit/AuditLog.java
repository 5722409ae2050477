package dev.quarry.audit;

import dev.quarry.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Appends audit events. {@link #record} only queues (auditing must not slow a request down); one
 * writer thread numbers the events, chains their hashes and inserts them in batches, and signs a
 * digest every {@code digestEvery} events or {@code digestInterval}, whichever comes first.
 * One writer per store: several nodes on one PostgreSQL will need a leader for the trail.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());
    private static final int MAX_BATCH = 1000;

    private sealed interface Item {}

    private record Append(AuditEvent event) implements Item {}

    private record Flush(CompletableFuture<Void> done) implements Item {}

    private final Database db;
    private final SigningKey key;
    private final Clock clock;
    private final int digestEvery;
    private final Duration digestInterval;
    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    /** Where both chains end; replaced (never mutated) once a batch has committed. */
    private record Tail(long lastSeq, String lastHash, long digestSeq, String digestHash, long digestedThrough, long lastDigestAt) {
        Tail append(long seq, String hash) {
            return new Tail(seq, hash, digestSeq, digestHash, digestedThrough, lastDigestAt);
        }

        Tail digested(long seq, String hash, long at) {
            return new Tail(lastSeq, lastHash, seq, hash, lastSeq, at);
        }
    }

    private Tail tail;

    public AuditLog(Database db, SigningKey key, Clock clock, int digestEvery, Duration digestInterval) {
        this.db = db;
        this.key = key;
        this.clock = clock;
        this.digestEvery = digestEvery;
        this.digestInterval = digestInterval;
        loadTail();
        this.writer = Thread.ofPlatform().name("quarry-audit-writer").daemon(true).start(this::writeLoop);
    }

    /** Queues an event; returns at once. */
    public void record(AuditEvent event) {
        if (closed) throw new IllegalStateException("the audit log is closed");
        queue.add(new Append(event));
    }

    /** Events recorded but not yet in the store. */
    public int queued() {
        return queue.size();
    }

    /** Returns once every event queued before the call is in the store. */
    public void flush() {
        Flush flush = new Flush(new CompletableFuture<>());
        queue.add(flush);
        flush.done().join();
    }

    /** Writes what is queued, signs a last digest over it, and stops. */
    @Override
    public void close() {
        if (closed) return;
        flush();
        closed = true;
        writer.interrupt();
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (tail.lastSeq() > tail.digestedThrough()) tail = db.transaction(c -> writeDigest(c, tail));
    }

    private void writeLoop() {
        List<Item> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Item first = queue.poll(Math.max(1, digestInterval.toMillis() / 4), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                }
            } catch (InterruptedException e) {
                if (closed) return;
            }
            try {
                write(batch);
            } catch (RuntimeException e) {
                // Nothing of the batch was committed and the tail is unchanged: keep it and try again.
                LOG.log(Level.SEVERE, "audit batch of " + batch.size() + " items failed; retrying", e);
                continue;
            }
            batch.forEach(item -> {
                if (item instanceof Flush f) f.done().complete(null);
            });
            batch.clear();
        }
    }

    private void write(List<Item> batch) {
        List<AuditEvent> events = batch.stream().filter(Append.class::isInstance).map(i -> ((Append) i).event()).toList();
        if (events.isEmpty() && !digestDue(tail)) return;
        tail = db.transaction(c -> {
            Tail t = tail;
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO audit_events (seq, event_id, event_time, principal_id, principal_name, source_ip, user_agent,
                        action, resource, decision, deciding_policy, request_id, error_code, prev_hash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                for (AuditEvent e : events) {
                    long seq = t.lastSeq() + 1;
                    String hash = AuditHash.ofEvent(seq, e, t.lastHash());
                    AuditRows.bind(s, seq, e, t.lastHash(), hash);
                    s.addBatch();
                    t = t.append(seq, hash);
                }
                if (!events.isEmpty()) s.executeBatch();
            }
            return digestDue(t) ? writeDigest(c, t) : t;
        });
    }

    private boolean digestDue(Tail t) {
        long undigested = t.lastSeq() - t.digestedThrough();
        return undigested > 0 && (undigested >= digestEvery || clock.millis() - t.lastDigestAt() >= digestInterval.toMillis());
    }

    /** Signs a digest over every event since the previous one, chained to it. */
    private Tail writeDigest(Connection c, Tail t) throws SQLException {
        long seq = t.digestSeq() + 1;
        long now = clock.millis();
        String hash = AuditHash.ofDigest(seq, now, t.digestedThrough() + 1, t.lastSeq(), t.lastHash(), t.digestHash());
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO audit_digests (seq, created_at, first_event_seq, last_event_seq, last_event_hash, prev_digest_hash,
                    digest_hash, key_id, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            s.setLong(1, seq);
            s.setLong(2, now);
            s.setLong(3, t.digestedThrough() + 1);
            s.setLong(4, t.lastSeq());
            s.setString(5, t.lastHash());
            s.setString(6, t.digestHash());
            s.setString(7, hash);
            s.setString(8, key.keyId());
            s.setString(9, key.sign(hash));
            s.executeUpdate();
        }
        return t.digested(seq, hash, now);
    }

    /** Continues the chains from what the store holds. */
    private void loadTail() {
        tail = db.read(c -> {
            long lastSeq = 0;
            String lastHash = AuditHash.GENESIS;
            try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")) {
                if (r.next()) {
                    lastSeq = r.getLong(1);
                    lastHash = r.getString(2);
                }
            }
            try (var s = c.createStatement(); ResultSet r = s.executeQuery(
                    "SELECT seq, digest_hash, last_event_seq, created_at FROM audit_digests ORDER BY seq DESC LIMIT 1")) {
                return r.next()
                        ? new Tail(lastSeq, lastHash, r.getLong(1), r.getString(2), r.getLong(3), r.getLong(4))
                        : new Tail(lastSeq, lastHash, 0, AuditHash.GENESIS, 0, clock.millis());
            }
        });
    }
}
