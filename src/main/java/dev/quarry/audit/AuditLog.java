package dev.quarry.audit;

import dev.quarry.store.Database;
import dev.quarry.store.GroupedWork;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Appends audit events. {@link #record} only queues (auditing must not slow a request down); one
 * writer thread numbers the events, chains their hashes and inserts them in batches, and signs a
 * digest every {@code digestEvery} events or {@code digestInterval}, whichever comes first, at
 * start-up when the last run left events unsigned, and at shutdown. Each digest is also appended
 * to the {@link AuditAnchor} outside the store.
 *
 * <p>The writer never stops. Every field is bounded before it is queued ({@link AuditFields}); a
 * batch the store refuses is written event by event, and an event refused even alone is replaced
 * in the chain by a placeholder that says so. While the store is down the writer retries with
 * back-off, and the queue is bounded: once full, new events are counted instead of held, and the
 * count goes into the chain as an event of its own when the store is back, so a loss is never
 * silent. {@link #flush} and {@link #close} wait a bounded time.
 *
 * <p>Several writers may share one chain (nodes on one PostgreSQL). The store arbitrates: seq is
 * the primary key of both tables and rows are never changed, so whoever inserts seq n+1 has
 * linked it to the real event n. A writer whose insert fails reloads the tail from the store and,
 * if the chain has moved on (another node wrote, or a row was inserted behind Quarry's back),
 * renumbers its events after it and tries again; no lock is held across nodes.
 *
 * <p>Event hashes are unkeyed, so whoever can write to the store can append a row that links
 * correctly, and the next digest would sign it. So a writer never continues after rows it did not
 * write without saying so: before anything else it appends a {@value AuditFields#ROWS_ADOPTED}
 * event naming them (rows found on a conflict, and rows found at start-up beyond what the anchor
 * says this node wrote), and {@link AuditVerifier} lists each such range. Nor does it chain its
 * digests to a stored digest the audit key did not sign.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());
    /** About 10 MB of typical events (at most 60 MB of bounded ones): a minute of a busy gateway with the store down. */
    static final int MAX_QUEUED = 20_000;
    private static final int MAX_BATCH = 1000;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long MAX_BACKOFF_MILLIS = 2_000;
    /** How many times one write follows a chain that moved on before it counts as failed; each move is another writer's progress. */
    private static final int MAX_RELOADS = 10;
    /** Events waiting this long means the writer is stuck, and readiness says so. */
    static final Duration STUCK_AFTER = Duration.ofSeconds(10);

    private final Database db;
    private final SigningKey key;
    private final AuditAnchor anchor;
    private final Clock clock;
    private final int digestEvery;
    private final Duration digestInterval;
    private final BlockingQueue<AuditEvent> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AuthenticationFailures failures = new AuthenticationFailures();
    /** Events in the store, as themselves or as placeholders; guarded by {@code this}, which flush waits on. */
    private long written;
    private final Thread writer;
    private volatile boolean closed;
    private volatile long giveUpAt;
    /** When (nanoTime) the writer last held no unwritten events; readiness compares it with now. */
    private volatile long caughtUpAt = System.nanoTime();

    /**
     * Where both chains end; replaced (never mutated) once a batch has committed. Only the writer
     * touches it. {@code digestSeq} is the highest digest seq the store holds, which the next digest
     * is numbered after; the other digest fields are of the newest digest the writer trusts, which
     * the next one is chained to and starts after: a digest forged into the store takes a number,
     * and nothing else.
     */
    private record Tail(long lastSeq, String lastHash, long digestSeq, long trustedDigestSeq, String digestHash, long digestedThrough,
                        long lastDigestAt) {
        Tail append(long seq, String hash) {
            return new Tail(seq, hash, digestSeq, trustedDigestSeq, digestHash, digestedThrough, lastDigestAt);
        }

        Tail digested(SignedDigest d) {
            return new Tail(lastSeq, lastHash, d.seq(), d.seq(), d.digestHash(), lastSeq, d.createdAt());
        }

        boolean undigested() {
            return lastSeq > digestedThrough;
        }
    }

    private Tail tail;

    /** Events of the store's chain this writer continued after without having written them. */
    private record Adopted(long first, long last) {}

    /** Rows adopted that no committed event names yet; the next commit names them first. Only the writer touches it. */
    private Adopted adopted;

    /** Runs after a batch of events commits, before the tail records it: a test's way to crash in that window. */
    private final Runnable committedUntailed;

    public AuditLog(Database db, SigningKey key, AuditAnchor anchor, Clock clock, int digestEvery, Duration digestInterval) {
        this(db, key, anchor, clock, digestEvery, digestInterval, MAX_QUEUED, () -> {});
    }

    AuditLog(Database db, SigningKey key, AuditAnchor anchor, Clock clock, int digestEvery, Duration digestInterval, int maxQueued) {
        this(db, key, anchor, clock, digestEvery, digestInterval, maxQueued, () -> {});
    }

    AuditLog(Database db, SigningKey key, AuditAnchor anchor, Clock clock, int digestEvery, Duration digestInterval, int maxQueued,
             Runnable committedUntailed) {
        this.db = db;
        this.committedUntailed = committedUntailed;
        this.key = key;
        this.anchor = anchor;
        this.clock = clock;
        this.digestEvery = digestEvery;
        this.digestInterval = digestInterval;
        this.queue = new ArrayBlockingQueue<>(maxQueued);
        loadTail();
        startUp();
        this.writer = Thread.ofPlatform().name("quarry-audit-writer").daemon(true).start(this::writeLoop);
    }

    /**
     * Queues an event, its fields bounded; returns at once, and drops (counting) when the queue is
     * full. Failed authentications beyond a few a minute per source (or per known key tried) are
     * counted instead ({@link AuthenticationFailures}).
     */
    public void record(AuditEvent event) {
        if (closed) throw new IllegalStateException("the audit log is closed");
        AuditEvent fitted = AuditFields.fit(event);
        if (AuthenticationFailures.isFailure(fitted) && !failures.admit(fitted)) return;
        if (queue.offer(fitted)) {
            accepted.incrementAndGet();
        } else if (dropped.getAndIncrement() == 0) {
            LOG.severe("the audit queue is full (" + queue.size() + " events; is the store down?): new events are counted, not kept, "
                    + "until the writer catches up");
        }
    }

    /**
     * Waits until every event queued before the call is in the store, at most a bounded time.
     *
     * @return whether they all are
     */
    public boolean flush() {
        long target = accepted.get();
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (this) {
            while (written < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Events recorded but not yet in the store. */
    public int queued() {
        return queue.size();
    }

    /** Why the writer cannot record events, when it has been unable to for a while. */
    public Optional<String> trouble() {
        long behind = System.nanoTime() - caughtUpAt;
        if (behind < STUCK_AFTER.toNanos()) return Optional.empty();
        return Optional.of("audit writer stuck: events not recorded for " + TimeUnit.NANOSECONDS.toSeconds(behind) + "s, "
                + queue.size() + " queued");
    }

    /** Writes what is queued and signs a last digest over it, giving up after a bounded time if the store is down. */
    @Override
    public void close() {
        if (closed) return;
        giveUpAt = System.nanoTime() + WAIT.toNanos();
        closed = true;
        try {
            writer.join(WAIT.plusSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) LOG.severe("the audit writer did not finish in time; " + queue.size() + " queued events are not recorded");
    }

    private void writeLoop() {
        List<AuditEvent> pending = new ArrayList<>(MAX_BATCH);
        long backoff = 0;
        while (!(closed && pending.isEmpty() && queue.isEmpty() && dropped.get() == 0 && !failures.holding())) {
            if (pending.isEmpty()) take(pending);
            int stored = 0;
            if (pending.isEmpty()) signIfDue();
            else stored = store(pending);
            if (stored == pending.size()) caughtUpAt = System.nanoTime(); // before flush can see the events written
            if (stored > 0) {
                pending.subList(0, stored).clear();
                synchronized (this) {
                    written += stored;
                    notifyAll();
                }
            }
            if (pending.isEmpty()) {
                backoff = 0;
                continue;
            }
            if (closed && System.nanoTime() > giveUpAt) {
                LOG.severe("the audit store is unavailable at shutdown: " + (pending.size() + queue.size()) + " events are not recorded");
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, Math.max(50, backoff * 2));
            pause(backoff);
        }
        signClosing();
    }

    /** Waits briefly for events, then takes up to a batch, with the count of dropped ones and of failed authentications first. */
    private void take(List<AuditEvent> pending) {
        try {
            AuditEvent first = queue.poll(Math.max(1, Math.min(250, digestInterval.toMillis() / 4)), TimeUnit.MILLISECONDS);
            long lost = dropped.getAndSet(0);
            if (lost > 0) {
                pending.add(AuditFields.dropped(clock.instant(), lost));
                accepted.incrementAndGet();
            }
            List<AuditEvent> summaries = failures.ended(clock.instant(), closed);
            pending.addAll(summaries);
            accepted.addAndGet(summaries.size());
            if (first != null) {
                pending.add(first);
                queue.drainTo(pending, MAX_BATCH - pending.size());
            }
        } catch (InterruptedException e) {
            // Nobody interrupts the writer; it stops when closed and drained, not before.
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // as in take: the loop decides when to stop
        }
    }

    /**
     * Writes events in order: in one transaction if the store takes them all, else one by one,
     * replacing any it refuses alone by a placeholder.
     *
     * @return how many are now in the store; fewer than all when the store refuses even a placeholder (it is down)
     */
    private int store(List<AuditEvent> events) {
        RuntimeException batchFailed = tryCommit(events, false);
        if (batchFailed == null) return events.size();
        LOG.log(Level.WARNING, "an audit batch of " + events.size() + " events failed; writing them one by one", batchFailed);
        for (int i = 0; i < events.size(); i++) {
            AuditEvent event = events.get(i);
            RuntimeException refused = tryCommit(List.of(event), false);
            if (refused == null) continue;
            RuntimeException down = tryCommit(List.of(AuditFields.unrecorded(event)), false);
            if (down != null) {
                LOG.log(Level.SEVERE, "the audit store is unavailable; retrying " + (events.size() - i) + " events", down);
                return i;
            }
            LOG.log(Level.SEVERE, "the store refused audit event " + event + "; a placeholder takes its place in the chain", refused);
        }
        return events.size();
    }

    /**
     * Commits, following the chain when it has moved on in the store since this writer last saw it.
     *
     * @return why it failed, or {@code null} once committed
     */
    private RuntimeException tryCommit(List<AuditEvent> events, boolean signNow) {
        for (int reloads = 0; ; reloads++) {
            try {
                commit(events, signNow);
                return null;
            } catch (RuntimeException e) {
                if (reloads == MAX_RELOADS || !followStore()) return e;
            }
        }
    }

    /**
     * Takes the store's tail when it differs from this writer's; false when it does not, or cannot be
     * read. The events it did not write are adopted: from the first after its own tail or, when the
     * store's chain is not longer but different (its rows were replaced), from the store's last.
     */
    private boolean followStore() {
        try {
            Tail stored = db.read(this::storedTail);
            boolean sameEvents = stored.lastSeq() == tail.lastSeq() && stored.lastHash().equals(tail.lastHash());
            if (sameEvents && stored.digestSeq() == tail.digestSeq()) return false;
            LOG.warning("the audit chain in the store moved on to event " + stored.lastSeq() + " and digest " + stored.digestSeq()
                    + " (another node, or a row inserted behind Quarry's back); continuing after them");
            if (!sameEvents && stored.lastSeq() > 0) adopt(Math.min(tail.lastSeq() + 1, stored.lastSeq()), stored.lastSeq());
            tail = stored;
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Adds events to those the next commit names as adopted; ranges found before the next commit are contiguous. */
    private void adopt(long first, long last) {
        adopted = adopted == null ? new Adopted(first, last) : new Adopted(Math.min(adopted.first(), first), last);
    }

    /** Signs a digest when one is due with nothing to write. */
    private void signIfDue() {
        if (digestDue(tail)) {
            RuntimeException e = tryCommit(List.of(), false);
            if (e != null) LOG.log(Level.WARNING, "could not sign an audit digest; will try again", e);
        }
    }

    private void signClosing() {
        RuntimeException e = tryCommit(List.of(), true);
        if (e != null) LOG.log(Level.SEVERE, "could not sign the closing audit digest", e);
    }

    /**
     * Inserts events, and a digest when one is due (or now, if asked and any event is unsigned), in
     * one transaction; then anchors the digest. The tail names the batch as pending before the
     * commit and records it as written after, so a crash in between leaves a tail that still knows
     * the batch as this writer's own.
     */
    private void commit(List<AuditEvent> events, boolean signNow) {
        record Committed(Tail tail, SignedDigest digest) {}
        List<AuditEvent> all = adopted == null ? events : Stream.concat(
                Stream.of(AuditFields.rowsAdopted(clock.instant(), adopted.first(), adopted.last())), events.stream()).toList();
        List<String> hashes = hashes(all);
        if (!all.isEmpty()) markPending(tail.lastSeq() + all.size(), hashes.getLast());
        Tail before = tail;
        boolean sign = digestWillBeDue(before, all.size(), signNow);
        // Shared with the ledger's rows, and possibly run twice (together, then alone): it only returns the new tail.
        GroupedWork<Committed> work = statements -> {
            Tail t = before;
            if (!all.isEmpty()) {
                PreparedStatement s = statements.prepared(AuditRows.INSERT);
                for (int i = 0; i < all.size(); i++) {
                    long seq = t.lastSeq() + 1;
                    AuditRows.bind(s, seq, all.get(i), t.lastHash(), hashes.get(i));
                    s.addBatch();
                    t = t.append(seq, hashes.get(i));
                }
                s.executeBatch();
            }
            if (!sign) return new Committed(t, null);
            SignedDigest digest = writeDigest(statements.connection(), t);
            return new Committed(t.digested(digest), digest);
        };
        // A digest goes into the anchor file next, which survives a power loss: so must the rows it signs,
        // or after one the anchor names a trail the store lost, and that reads as tampering.
        Committed done = sign ? db.commitGroupedDurably(work) : db.commitGrouped(work);
        tail = done.tail();
        adopted = null;
        if (done.digest() != null) anchor(done.digest());
        if (!all.isEmpty()) {
            committedUntailed.run();
            try {
                anchor.tail(tail.lastSeq(), tail.lastHash());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not record the audit tail beside " + anchor.file(), e);
            }
        }
    }

    /** The hash of each event as numbered after the writer's tail: computed before the commit, so the pending tail names the very rows inserted. */
    private List<String> hashes(List<AuditEvent> events) {
        List<String> hashes = new ArrayList<>(events.size());
        String prev = tail.lastHash();
        for (AuditEvent e : events) {
            prev = AuditHash.ofEvent(tail.lastSeq() + hashes.size() + 1, e, prev);
            hashes.add(prev);
        }
        return hashes;
    }

    /**
     * Without it a crash after the commit makes the next start adopt the batch as rows it did not
     * write; failing to write it only brings that back, so the batch goes on.
     */
    private void markPending(long lastSeq, String lastHash) {
        try {
            anchor.pending(lastSeq, lastHash);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not record the pending audit batch beside " + anchor.file(), e);
        }
    }

    /** A digest the store holds but the anchor lacks only widens the window; it never stops the writer. */
    private void anchor(SignedDigest digest) {
        try {
            anchor.append(digest);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "could not anchor audit digest " + digest.seq() + " in " + anchor.file(), e);
        }
    }

    /** Whether a commit of {@code events} more after {@code before} signs a digest; decided before it runs, which decides how durably. */
    private boolean digestWillBeDue(Tail before, int events, boolean signNow) {
        Tail after = events == 0 ? before : before.append(before.lastSeq() + events, before.lastHash());
        return signNow ? after.undigested() : digestDue(after);
    }

    private boolean digestDue(Tail t) {
        long undigested = t.lastSeq() - t.digestedThrough();
        return undigested > 0 && (undigested >= digestEvery || clock.millis() - t.lastDigestAt() >= digestInterval.toMillis());
    }

    /** Signs a digest over every event since the previous one, chained to it. */
    private SignedDigest writeDigest(Connection c, Tail t) throws SQLException {
        long seq = t.digestSeq() + 1;
        long now = clock.millis();
        String hash = AuditHash.ofDigest(seq, now, t.digestedThrough() + 1, t.lastSeq(), t.lastHash(), t.digestHash());
        SignedDigest digest = new SignedDigest(seq, now, t.digestedThrough() + 1, t.lastSeq(), t.lastHash(), t.digestHash(), hash,
                key.keyId(), key.sign(hash));
        AuditRows.insert(c, digest);
        return digest;
    }

    /** Continues the chains from what the store holds. */
    private void loadTail() {
        tail = db.read(this::storedTail);
    }

    /**
     * Where both chains end in the store. Digests are read first, so the events read after them reach
     * at least as far (a digest commits with the events it covers).
     */
    private Tail storedTail(Connection c) throws SQLException {
        long digestSeq = 0;
        SignedDigest trusted = null;
        long below = Long.MAX_VALUE;
        while (trusted == null) {
            List<SignedDigest> page = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT " + AuditRows.DIGEST_COLUMNS + " FROM audit_digests WHERE seq < ? ORDER BY seq DESC LIMIT 100")) {
                s.setLong(1, below);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) page.add(AuditRows.readDigest(r));
                }
            }
            if (page.isEmpty()) break;
            digestSeq = Math.max(digestSeq, page.getFirst().seq());
            for (SignedDigest d : page) {
                if (trusted(c, d)) {
                    trusted = d;
                    break;
                }
                LOG.severe("audit digest " + d.seq() + " in the store is not signed by the audit key or covers events the store lacks; "
                        + "the next digest is chained to an earlier one; run 'quarry audit verify'");
            }
            below = page.getLast().seq();
        }
        long lastSeq = 0;
        String lastHash = AuditHash.GENESIS;
        try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")) {
            if (r.next()) {
                lastSeq = r.getLong(1);
                lastHash = r.getString(2);
            }
        }
        return trusted == null
                ? new Tail(lastSeq, lastHash, digestSeq, 0, AuditHash.GENESIS, 0, clock.millis())
                : new Tail(lastSeq, lastHash, digestSeq, trusted.seq(), trusted.digestHash(), trusted.lastEventSeq(), trusted.createdAt());
    }

    /**
     * Whether a stored digest can be continued: signed by the audit key, over an event the store
     * holds as signed. Anyone with access to the store can insert a digest; one covering events up to
     * seq 999999999999 would otherwise leave every later event "covered", and nothing signed again.
     */
    private boolean trusted(Connection c, SignedDigest d) throws SQLException {
        if (!d.signedBy(key.publicKey())) return false;
        try (PreparedStatement s = c.prepareStatement("SELECT hash FROM audit_events WHERE seq = ?")) {
            s.setLong(1, d.lastEventSeq());
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getString(1).equals(d.lastEventHash());
            }
        }
    }

    /**
     * Records in the chain the rows beyond what the anchor says this node wrote (another node's, or
     * appended to the store while Quarry was down) and whether the store lacks what the anchor holds
     * (it was cut while Quarry was down), signs the events the last run left unsigned, and anchors
     * the newest digest when the anchor has none.
     */
    private void startUp() {
        var anchored = anchor.last();
        anchored.ifPresent(last -> {
            if (last.seq() > tail.trustedDigestSeq() || last.seq() == tail.trustedDigestSeq() && !last.digestHash().equals(tail.digestHash())) {
                LOG.severe("the audit store ends at digest " + tail.trustedDigestSeq() + " but " + anchor.file() + " anchors digest "
                        + last.seq() + " over events up to " + last.lastEventSeq() + ": the trail was cut; run 'quarry audit verify'");
            }
        });
        Optional<AuditAnchor.TailFile> tailFile;
        try {
            tailFile = anchor.readTailFile();
        } catch (IllegalStateException e) {
            LOG.severe(e.getMessage());
            tailFile = Optional.empty();
        }
        Optional<AuditAnchor.Tail> claimed = tailFile.flatMap(AuditAnchor.TailFile::committed);
        // The tail is written after every batch, so it is the furthest this node wrote; after a cut, the newest digest may claim more.
        long wroteThrough = claimed.map(AuditAnchor.Tail::lastEventSeq).orElse(anchored.map(SignedDigest::lastEventSeq).orElse(0L));
        wroteThrough = ownBatchThrough(tailFile.flatMap(AuditAnchor.TailFile::pending), wroteThrough);
        if (tail.lastSeq() > wroteThrough) adopt(wroteThrough + 1, tail.lastSeq());
        List<AuditEvent> cut = recordCut(anchored, claimed);
        RuntimeException e = tryCommit(cut, true);
        if (e != null) throw e;
        // The cut is in the chain now, for good: the tail follows the chain again, so a further cut is seen too.
        if (!cut.isEmpty()) {
            try {
                anchor.tailAfterCut(tail.lastSeq(), tail.lastHash());
            } catch (RuntimeException failed) {
                LOG.log(Level.WARNING, "could not record the audit tail beside " + anchor.file(), failed);
            }
        }
        if (cut.isEmpty() && tail.trustedDigestSeq() > 0 && anchored.isEmpty()) {
            anchor(db.read(c -> AuditRows.digest(c, tail.trustedDigestSeq())));
        }
    }

    /**
     * The events that record a cut: one for each of the anchor's claims (its tail, its newest digest)
     * that the store does not hold and no cut event has recorded yet, each checked on its own.
     * Without them the next batch would continue the shortened chain and only the anchor's tail,
     * soon overtaken, would remember the cut.
     */
    private List<AuditEvent> recordCut(Optional<SignedDigest> anchored, Optional<AuditAnchor.Tail> claimed) {
        List<AuditEvent> cuts = new ArrayList<>();
        Stream.concat(claimed.stream(), anchored.map(d -> new AuditAnchor.Tail(d.lastEventSeq(), d.lastEventHash())).stream())
                .filter(this::lacks).distinct().forEach(claim -> {
                    if (db.read(c -> recorded(c, AuditFields.cutClaim(claim.lastEventSeq(), claim.lastEventHash())))) return;
                    LOG.severe("the audit store ends at event " + tail.lastSeq() + " but the anchor says event " + claim.lastEventSeq()
                            + " was written: the trail was cut; the cut is recorded in the chain; run 'quarry audit verify'");
                    cuts.add(AuditFields.trailCut(clock.instant(), claim.lastEventSeq(), claim.lastEventHash(), tail.lastSeq(), tail.lastHash()));
                });
        return cuts;
    }

    private boolean lacks(AuditAnchor.Tail claim) {
        return claim.lastEventSeq() > tail.lastSeq() || claim.lastEventSeq() == tail.lastSeq() && !claim.lastEventHash().equals(tail.lastHash());
    }

    /**
     * How far this node wrote, counting the batch the tail names as pending when the store holds
     * it: the last run crashed between committing it and recording its tail. The tail says so now.
     */
    private long ownBatchThrough(Optional<AuditAnchor.Tail> pending, long wroteThrough) {
        Optional<AuditAnchor.Tail> own = pending.filter(p -> p.lastEventSeq() > wroteThrough && db.read(c -> holds(c, p)));
        if (own.isEmpty()) return wroteThrough;
        long through = own.get().lastEventSeq();
        LOG.info("audit events " + (wroteThrough + 1) + ".." + through + " were committed by this node's last run just before it stopped, "
                + "their tail unrecorded; they are its own");
        try {
            anchor.tail(through, own.get().lastEventHash());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not record the audit tail beside " + anchor.file(), e);
        }
        return through;
    }

    /** Whether the store holds that event with that hash: the whole chain up to it as the writer computed it. */
    private static boolean holds(Connection c, AuditAnchor.Tail event) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT hash FROM audit_events WHERE seq = ?")) {
            s.setLong(1, event.lastEventSeq());
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getString(1).equals(event.lastEventHash());
            }
        }
    }

    /** Whether a cut event already recorded this claim, so a restart does not record the same cut again. */
    private static boolean recorded(Connection c, String claim) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM audit_events WHERE action = ? AND substr(resource, 1, ?) = ?")) {
            s.setString(1, AuditFields.TRAIL_CUT);
            s.setInt(2, claim.length());
            s.setString(3, claim);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }
}
