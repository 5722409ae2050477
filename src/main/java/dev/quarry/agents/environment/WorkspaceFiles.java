package dev.quarry.agents.environment;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The file half of {@link LocalExecutor}. These calls run in Quarry itself, as Quarry's user and
 * outside any sandbox, so unlike the exec-server's they are held to the workspace here too (not only
 * by {@code Workspace}): a path is refused unless the folder it names an entry of resolves, symbolic
 * links followed, into the workspace; a final link is followed only when it also points inside.
 * {@link #canonicalize} alone answers for any path, since it is how paths outside are recognised.
 *
 * <p>Not proof against a command that swaps a folder for a link between the check and the use, except
 * {@link #remove}, which never follows a link below the folder it was given.
 */
final class WorkspaceFiles {
    private final Path root;

    /** @param root the workspace, already a real path */
    WorkspaceFiles(Path root) {
        this.root = root;
    }

    byte[] readFile(String path, int maxBytes) {
        Path file = insideFollowed(path);
        try {
            requireRegular(path, file);
            try (InputStream in = Files.newInputStream(file, NOFOLLOW_LINKS)) {
                byte[] bytes = in.readNBytes(maxBytes);
                if (in.read() >= 0) throw refused(path, "is larger than " + maxBytes + " bytes");
                return bytes;
            }
        } catch (IOException e) {
            throw failed(path, e);
        }
    }

    void writeFile(String path, byte[] content) {
        Path file = located(path);
        try {
            if (Files.isSymbolicLink(file)) file = insideFollowed(path);
            if (Files.exists(file, NOFOLLOW_LINKS)) requireRegular(path, file);
            try (OutputStream out = Files.newOutputStream(file, NOFOLLOW_LINKS, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                out.write(content);
            }
        } catch (IOException e) {
            throw failed(path, e);
        }
    }

    void createDirectories(String path) {
        Path wanted = absolute(path);
        Path existing = wanted;
        while (!Files.exists(existing)) existing = existing.getParent();
        try {
            Path folder = existing.toRealPath().resolve(existing.relativize(wanted));
            requireInside(path, folder);
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw failed(path, e);
        }
    }

    List<FileEntry> readDirectory(String path) {
        Path folder = insideFollowed(path);
        List<FileEntry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            for (Path entry : stream) {
                try {
                    entries.add(entry(entry));
                } catch (NoSuchFileException gone) {
                    // removed since it was listed: not an entry any more
                }
            }
        } catch (IOException e) {
            throw failed(path, e);
        }
        return entries;
    }

    FileEntry metadata(String path) {
        Path entry;
        try {
            entry = located(path);
        } catch (ExecutorException.Refused e) {
            Path parent = absolute(path).getParent();
            if (parent != null && !Files.exists(parent)) return null; // no folder, so nothing is there
            throw e;
        }
        try {
            return entry(entry);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw failed(path, e);
        }
    }

    String canonicalize(String path) {
        try {
            return absolute(path).toRealPath().toString();
        } catch (IOException e) {
            throw failed(path, e);
        }
    }

    void remove(String path) {
        Path target = located(path);
        if (target.equals(root)) throw refused(path, "is the workspace itself");
        try (DirectoryStream<Path> parent = Files.newDirectoryStream(target.getParent())) {
            if (!(parent instanceof SecureDirectoryStream<Path> secure)) {
                throw refused(path, "cannot be removed safely on this file system");
            }
            removeEntry(secure, target.getFileName());
        } catch (IOException e) {
            throw failed(path, e);
        }
    }

    /** The bytes the workspace's files take, links not followed; files that vanish while it counts are skipped. */
    long bytesUsed() {
        long[] total = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile()) total[0] += attributes.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new ExecutorException.Refused("the workspace cannot be measured: " + e.getClass().getSimpleName());
        }
        return total[0];
    }

    // Every step is relative to an open folder and refuses to follow a link (openat with O_NOFOLLOW),
    // so a link in the tree is removed itself, never what it points to.
    private static void removeEntry(SecureDirectoryStream<Path> folder, Path name) throws IOException {
        BasicFileAttributes attributes = folder.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW_LINKS).readAttributes();
        if (!attributes.isDirectory()) {
            folder.deleteFile(name);
            return;
        }
        try (SecureDirectoryStream<Path> inner = folder.newDirectoryStream(name, NOFOLLOW_LINKS)) {
            List<Path> names = new ArrayList<>();
            for (Path entry : inner) names.add(entry.getFileName());
            for (Path entry : names) removeEntry(inner, entry);
        }
        folder.deleteDirectory(name);
    }

    private static FileEntry entry(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW_LINKS);
        boolean directory = attributes.isSymbolicLink() ? Files.isDirectory(path) : attributes.isDirectory();
        Path name = path.getFileName();
        return new FileEntry(name == null ? "/" : name.toString(), directory, attributes.isSymbolicLink(), attributes.size());
    }

    /** The path with the folder it names an entry of resolved, refused unless it lies in the workspace. */
    private Path located(String path) {
        Path wanted = absolute(path);
        if (wanted.getParent() == null) throw refused(path, "is outside the workspace");
        Path entry;
        try {
            entry = wanted.getParent().toRealPath().resolve(wanted.getFileName());
        } catch (IOException e) {
            throw failed(path, e);
        }
        requireInside(path, entry);
        return entry;
    }

    /** The path with every link followed, refused unless it lies in the workspace. */
    private Path insideFollowed(String path) {
        Path entry = located(path);
        try {
            Path real = entry.toRealPath();
            requireInside(path, real);
            return real;
        } catch (IOException e) {
            throw failed(path, e);
        }
    }

    // A command can leave a named pipe or (as root, unconfined) a device in the workspace; opening one
    // would block Quarry's thread or reach the device, so only plain files are read or written.
    private static void requireRegular(String path, Path file) {
        if (Files.isDirectory(file, NOFOLLOW_LINKS)) throw refused(path, "is a folder");
        if (!Files.isRegularFile(file, NOFOLLOW_LINKS)) throw refused(path, "is not a regular file");
    }

    private void requireInside(String path, Path resolved) {
        if (!resolved.startsWith(root)) throw refused(path, "is outside the workspace");
    }

    private static Path absolute(String path) {
        Path parsed;
        try {
            parsed = Path.of(path);
        } catch (InvalidPathException e) {
            throw new ExecutorException.Refused("'" + path + "' is not a path: " + e.getReason());
        }
        if (!parsed.isAbsolute()) throw refused(path, "is not absolute");
        return parsed.normalize();
    }

    private static ExecutorException.Refused refused(String path, String why) {
        return new ExecutorException.Refused("'" + path + "' " + why);
    }

    // The JDK's message for a file system error repeats the path; its reason alone is the useful part.
    private static ExecutorException.Refused failed(String path, IOException e) {
        String reason = switch (e) {
            case NoSuchFileException missing -> "does not exist";
            case FileSystemException other when other.getReason() != null -> other.getReason();
            default -> e.getClass().getSimpleName();
        };
        return refused(path, "cannot be used: " + reason);
    }
}
