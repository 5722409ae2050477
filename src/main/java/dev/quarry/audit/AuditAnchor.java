package dev.quarry.audit;

import dev.quarry.store.DataFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The anchor of the trail outside the store: an append-only file, one line per signed digest,
 * each line also logged (logger {@code quarry.audit.anchor}) so operators can ship it elsewhere.
 * Whoever can only write to the store cannot take back a line, so removing the newest digests
 * and their events, or every row, no longer goes unseen. Each line is signed like the digest it
 * copies, so a line cannot be forged without the audit key either.
 *
 * <p>Beside it, the tail file ({@code audit-anchor.log.tail}) says where the chain ended after
 * the last committed batch, so events not yet under a digest cannot be cut unseen either. It is
 * replaced atomically after each batch but not fsynced: it survives a crash of Quarry, not
 * always a power cut, and is not signed. It only ever claims more, with one exception: once the
 * writer has recorded in the chain itself that the store was found shorter than the claim (a cut),
 * the tail follows the chain's new end, so that a further cut is measured against it, and is
 * recorded too. The first cut stays visible to verify as the event that records it.
 *
 * <p>The tail is two-phase. Before a batch commits, the file also names the batch as pending: the
 * seq and hash of its last event, which the writer computed. A crash between the commit and the
 * tail that follows leaves the store ahead of the committed claim; rows up to a pending end that
 * the store holds with that very hash are then the writer's own (the hash chains every row before
 * it), not rows someone else wrote. The pending end is no claim: a batch the store refused is not
 * missing from it. A tail without one (as Quarry wrote before) reads as no batch pending.
 */
public final class AuditAnchor {
    /** Its name in the data folder. */
    public static final String FILE = "audit-anchor.log";
    private static final Logger LOG = Logger.getLogger("quarry.audit.anchor");

    private static final String TAIL_PREFIX = "quarry-audit-tail";
    private static final String LAST = "last_event", PENDING = "pending_event";

    /** Where the chain ended after a committed batch (or, as pending, where a batch about to commit ends). */
    record Tail(long lastEventSeq, String lastEventHash) {}

    /** What the tail file says: where the chain ended, if it says, and the batch committing after it, if any. */
    record TailFile(Optional<Tail> committed, Optional<Tail> pending) {}

    private final Path file;
    private final Path tailFile;
    /** The highest event the tail file claims; -1 until read. Guarded by {@code this}. */
    private long claimed = -1;
    /** What the tail file claims, kept when a pending batch is added; null when it claims nothing. Guarded by {@code this}. */
    private Tail claim;

    private AuditAnchor(Path file) {
        this.file = file;
        this.tailFile = file.resolveSibling(file.getFileName() + ".tail");
    }

    public static AuditAnchor inDataDir(Path dataDir) {
        return at(dataDir.resolve(FILE));
    }

    /** An anchor file anywhere, such as a copy shipped off the host. */
    public static AuditAnchor at(Path file) {
        return new AuditAnchor(file);
    }

    public Path file() {
        return file;
    }

    public boolean exists() {
        return Files.exists(file);
    }

    /** Appends a digest and makes it durable (fsync) before returning; logs the same line. */
    synchronized void append(SignedDigest digest) {
        String line = digest.line();
        try {
            boolean created = !Files.exists(file);
            if (created) DataFolder.ownerOnly(file, true);
            // Only this writer appends, so writing at the end it found is appending.
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                // A crash in the middle of a line leaves it unterminated: start on a line of our own.
                String text = (endsTorn(channel) ? "\n" : "") + line + "\n";
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
                long at = channel.size();
                while (bytes.hasRemaining()) at += channel.write(bytes, at);
                channel.force(true);
            }
            if (created) syncDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the audit anchor " + file, e);
        }
        LOG.info(line);
    }

    /**
     * Names the batch about to commit, ending at that event, beside the claim (which stays as it
     * is); unless the tail already claims as much. Written like {@link #tail}, before the commit.
     */
    synchronized void pending(long lastEventSeq, String lastEventHash) {
        if (claimed < 0) load();
        if (lastEventSeq > claimed) write(claim, new Tail(lastEventSeq, lastEventHash));
    }

    /**
     * Records where the chain now ends, unless the tail already claims as much: the claim never goes
     * back. Written to a new owner-only file of a random name (created exclusively, so a link planted
     * in the folder is never followed), then renamed over the tail in one step.
     */
    synchronized void tail(long lastEventSeq, String lastEventHash) {
        if (claimed < 0) load();
        if (lastEventSeq > claimed) write(new Tail(lastEventSeq, lastEventHash), null);
    }

    /** Records where the chain now ends, lower than the tail claimed: only once the chain records the cut. */
    synchronized void tailAfterCut(long lastEventSeq, String lastEventHash) {
        write(new Tail(lastEventSeq, lastEventHash), null);
    }

    private void write(Tail committed, Tail pending) {
        String line = TAIL_PREFIX + (committed == null ? "" : words(LAST, committed)) + (pending == null ? "" : words(PENDING, pending)) + "\n";
        Path dir = tailFile.toAbsolutePath().getParent();
        try {
            // A temporary file is created exclusively and, where permissions exist, readable by its owner only.
            Path written = Files.createTempFile(dir, tailFile.getFileName() + ".", ".new");
            try {
                Files.writeString(written, line, StandardCharsets.US_ASCII, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                Files.move(written, tailFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(written);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the audit tail in " + tailFile, e);
        }
        claim = committed;
        claimed = committed == null ? 0 : committed.lastEventSeq();
    }

    private static String words(String key, Tail t) {
        return " " + key + "=" + t.lastEventSeq() + " " + key + "_hash=" + t.lastEventHash();
    }

    /** A tail Quarry did not write claims nothing: it is replaced, and start-up has already said it is bad. */
    private void load() {
        try {
            claim = readTail().orElse(null);
        } catch (IllegalStateException e) {
            claim = null;
        }
        claimed = claim == null ? 0 : claim.lastEventSeq();
    }

    /**
     * Where the tail recorded beside the anchor says the chain ended; empty when there is none (a
     * copy shipped elsewhere has none), or it names only a pending batch.
     *
     * @throws IllegalStateException when the file is not a tail this class wrote
     */
    Optional<Tail> readTail() {
        return readTailFile().flatMap(TailFile::committed);
    }

    /**
     * The whole tail file, pending batch included; empty when there is none.
     *
     * @throws IllegalStateException when the file is not a tail this class wrote
     */
    Optional<TailFile> readTailFile() {
        String text;
        try {
            text = Files.readString(tailFile, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit tail " + tailFile, e);
        }
        String[] words = text.split(" ");
        if (!words[0].equals(TAIL_PREFIX)) throw notOurs(null);
        int at = 1;
        Optional<Tail> committed = Optional.empty(), pending = Optional.empty();
        if (at < words.length && words[at].startsWith(LAST + "=")) {
            committed = Optional.of(parse(words, at, LAST));
            at += 2;
        }
        if (at < words.length && words[at].startsWith(PENDING + "=")) {
            pending = Optional.of(parse(words, at, PENDING));
            at += 2;
        }
        if (at != words.length || committed.isEmpty() && pending.isEmpty()) throw notOurs(null);
        return Optional.of(new TailFile(committed, pending));
    }

    /** The pair {@code KEY=SEQ KEY_hash=HASH} at {@code at}. */
    private Tail parse(String[] words, int at, String key) {
        if (at + 1 >= words.length || !words[at + 1].startsWith(key + "_hash=")) throw notOurs(null);
        try {
            return new Tail(Long.parseLong(words[at].substring(key.length() + 1)), words[at + 1].substring(key.length() + "_hash=".length()));
        } catch (NumberFormatException e) {
            throw notOurs(e);
        }
    }

    private IllegalStateException notOurs(Exception cause) {
        return new IllegalStateException("the audit tail " + tailFile + " is not one Quarry wrote", cause);
    }

    /**
     * Every digest the file holds, oldest first. Lines without the anchor prefix are skipped, so a
     * log that collected the anchor lines serves as well; a last line cut short by a crash is left out.
     *
     * @throws IllegalStateException when a line has the prefix but is not an anchor line
     */
    List<SignedDigest> read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit anchor " + file, e);
        }
        List<SignedDigest> digests = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int start = lines.get(i).indexOf(SignedDigest.LINE_PREFIX);
            if (start < 0) continue;
            try {
                digests.add(SignedDigest.parse(lines.get(i).substring(start)));
            } catch (IllegalArgumentException e) {
                if (i < lines.size() - 1 || endsWithNewline()) {
                    throw new IllegalStateException("line " + (i + 1) + " of the audit anchor " + file + " is not an anchor line");
                }
            }
        }
        return digests;
    }

    /** The newest digest anchored, if any. */
    Optional<SignedDigest> last() {
        List<SignedDigest> all = read();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    private static boolean endsTorn(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) return false;
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.read(last, size - 1);
        return last.get(0) != '\n';
    }

    private boolean endsWithNewline() {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return !endsTorn(channel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new file's name is durable only once its folder is. */
    private void syncDirectory() throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
