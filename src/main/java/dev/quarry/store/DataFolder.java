package dev.quarry.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The data folder holds the store, its keys and its secrets, so it is created owner-only (0700)
 * and the SQLite files in it are owner-only (0600), wherever the file system has POSIX
 * permissions; elsewhere the folder's own access control applies. A folder that already exists
 * is left as the operator made it: only what Quarry creates or owns is narrowed.
 */
public final class DataFolder {
    private static final Logger LOG = Logger.getLogger(DataFolder.class.getName());
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private DataFolder() {}

    /** Creates the folder (and missing parents) owner-only, if it does not exist yet. */
    public static Path ensure(Path dir) {
        try {
            if (Files.isDirectory(dir)) return dir;
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            try {
                Files.createDirectory(dir, posix(dir) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FOLDER)} : new FileAttribute<?>[0]);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first
            }
            return dir;
        } catch (IOException e) {
            throw new StoreException("cannot create the data folder " + dir.toAbsolutePath() + " (" + reason(e)
                    + "); create it, or choose another with --data", e);
        }
    }

    /**
     * Creates the folder if need be and proves it writable by writing a file in it, before the
     * store is opened: SQLite and Flyway would otherwise report an unwritable folder as
     * {@code SQLITE_CANTOPEN} after seconds of retries. Writing is the test rather than the mode
     * bits, which a read-only mount, an ACL or root's privileges make untrue.
     */
    public static Path requireWritable(Path dir) {
        ensure(dir);
        try {
            Files.delete(Files.createTempFile(dir, ".write-check-", ".tmp"));
            return dir;
        } catch (IOException e) {
            throw new StoreException("the data folder " + dir.toAbsolutePath() + " is not writable (" + reason(e)
                    + "); Quarry keeps its store and keys there: make it writable, or choose another with --data", e);
        }
    }

    /** An I/O failure in words: the JDK's exceptions often carry only the path as their message. */
    private static String reason(IOException e) {
        return switch (e) {
            case AccessDeniedException _ -> "permission denied";
            case NoSuchFileException _ -> "no file can be created in it";
            case FileAlreadyExistsException f -> f.getFile() + " is a file, not a folder";
            case FileSystemException f when f.getReason() != null -> f.getReason().toLowerCase(Locale.ROOT);
            default -> e.toString();
        };
    }

    /**
     * Makes a file owner-only; when it does not exist, {@code create} creates it empty and
     * owner-only from the start (never readable by others, even briefly), else leaves it missing.
     */
    public static void ownerOnly(Path file, boolean create) {
        if (!posix(file.toAbsolutePath().getParent())) return;
        try {
            if (Files.exists(file)) {
                Files.setPosixFilePermissions(file, FILE);
            } else if (create) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
            }
        } catch (FileAlreadyExistsException raced) {
            ownerOnly(file, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + file + " readable by its owner only", e);
        }
    }

    /**
     * Logs a warning (once, at start-up) for the data folder or a secret in it that its group or
     * others can read: Quarry narrows only what it creates, so one made by the operator, or
     * widened since, is left as it is — but it should be known.
     */
    public static void warnIfExposed(Path dir, List<String> secrets) {
        List<Path> exposed = new ArrayList<>();
        for (Path path : Stream.concat(Stream.of(dir), secrets.stream().map(dir::resolve)).toList()) {
            if (!posix(path.toAbsolutePath().getParent()) || !Files.exists(path)) continue;
            try {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
                if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) exposed.add(path);
            } catch (IOException e) {
                LOG.warning("cannot read the permissions of " + path + ": " + e.getMessage());
            }
        }
        if (!exposed.isEmpty()) {
            LOG.warning("readable by others than its owner: " + exposed + "; these hold the store and its secrets (run 'chmod go-rwx' on each)");
        }
    }

    private static boolean posix(Path path) {
        return path != null && path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
