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
 */
public final class AuditAnchor {
    /** Its name in the data folder. */
    public static final String FILE = "audit-anchor.log";
    private static final Logger LOG = Logger.getLogger("quarry.audit.anchor");

    private static final String TAIL_PREFIX = "quarry-audit-tail";

    /** Where the chain ended after a committed batch. */
    record Tail(long lastEventSeq, String lastEventHash) {}

    private final Path file;
    private final Path tailFile;
    /** The highest event the tail file claims; -1 until read. Guarded by {@code this}. */
    private long claimed = -1;

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
     * Records where the chain now ends, unless the tail already claims as much: the claim never goes
     * back. Written to a new owner-only file of a random name (created exclusively, so a link planted
     * in the folder is never followed), then renamed over the tail in one step.
     */
    synchronized void tail(long lastEventSeq, String lastEventHash) {
        if (claimed < 0) claimed = claimedSoFar();
        if (lastEventSeq > claimed) write(lastEventSeq, lastEventHash);
    }

    /** Records where the chain now ends, lower than the tail claimed: only once the chain records the cut. */
    synchronized void tailAfterCut(long lastEventSeq, String lastEventHash) {
        write(lastEventSeq, lastEventHash);
    }

    private void write(long lastEventSeq, String lastEventHash) {
        Path dir = tailFile.toAbsolutePath().getParent();
        try {
            // A temporary file is created exclusively and, where permissions exist, readable by its owner only.
            Path written = Files.createTempFile(dir, tailFile.getFileName() + ".", ".new");
            try {
                Files.writeString(written, TAIL_PREFIX + " last_event=" + lastEventSeq + " last_event_hash=" + lastEventHash + "\n",
                        StandardCharsets.US_ASCII, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                Files.move(written, tailFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(written);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the audit tail in " + tailFile, e);
        }
        claimed = lastEventSeq;
    }

    /** A tail Quarry did not write claims nothing: it is replaced, and start-up has already said it is bad. */
    private long claimedSoFar() {
        try {
            return readTail().map(Tail::lastEventSeq).orElse(0L);
        } catch (IllegalStateException e) {
            return 0;
        }
    }

    /**
     * The tail recorded beside the anchor; empty when there is none (a copy shipped elsewhere has none).
     *
     * @throws IllegalStateException when the file is not a tail this class wrote
     */
    Optional<Tail> readTail() {
        String text;
        try {
            text = Files.readString(tailFile, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit tail " + tailFile, e);
        }
        String[] words = text.split(" ");
        if (words.length != 3 || !words[0].equals(TAIL_PREFIX) || !words[1].startsWith("last_event=") || !words[2].startsWith("last_event_hash=")) {
            throw new IllegalStateException("the audit tail " + tailFile + " is not one Quarry wrote");
        }
        try {
            return Optional.of(new Tail(Long.parseLong(words[1].substring("last_event=".length())), words[2].substring("last_event_hash=".length())));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the audit tail " + tailFile + " is not one Quarry wrote", e);
        }
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
