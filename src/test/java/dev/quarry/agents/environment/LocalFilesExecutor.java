package dev.quarry.agents.environment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * An {@link Executor} over this machine's files (java.nio), for tests: real reads, writes, links
 * and {@code toRealPath} canonicalization. It runs no processes. Counts the calls that change files;
 * a test may override a call to make it fail.
 */
class LocalFilesExecutor implements Executor {
    final AtomicInteger mutations = new AtomicInteger();

    @Override
    public ExecutorInfo info() {
        return new ExecutorInfo("test", "/bin/sh", "/");
    }

    @Override
    public RunningProcess start(ProcessSpec spec, OutputSink sink) {
        throw new ExecutorException.Refused("this test executor runs no processes");
    }

    @Override
    public byte[] readFile(String path, int maxBytes) {
        return io(path, () -> {
            Path file = Path.of(path);
            if (Files.size(file) > maxBytes) throw new ExecutorException.Refused(path + " is larger than " + maxBytes + " bytes");
            return Files.readAllBytes(file);
        });
    }

    @Override
    public void writeFile(String path, byte[] content) {
        mutations.incrementAndGet();
        io(path, () -> Files.write(Path.of(path), content));
    }

    @Override
    public void createDirectories(String path) {
        mutations.incrementAndGet();
        io(path, () -> Files.createDirectories(Path.of(path)));
    }

    @Override
    public List<FileEntry> readDirectory(String path) {
        return io(path, () -> {
            List<FileEntry> entries = new ArrayList<>();
            try (DirectoryStream<Path> children = Files.newDirectoryStream(Path.of(path))) {
                for (Path child : children) entries.add(entry(child));
            }
            return entries;
        });
    }

    @Override
    public FileEntry metadata(String path) {
        Path file = Path.of(path);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return null;
        return io(path, () -> entry(file));
    }

    @Override
    public String canonicalize(String path) {
        return io(path, () -> Path.of(path).toRealPath().toString());
    }

    @Override
    public void remove(String path) {
        mutations.incrementAndGet();
        io(path, () -> {
            Path target = Path.of(path);
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) throw new NoSuchFileException(path);
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> all = Files.walk(target)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
                }
            } else {
                Files.delete(target);
            }
            return null;
        });
    }

    @Override
    public void close() {}

    private static FileEntry entry(Path file) throws IOException {
        BasicFileAttributes own = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        boolean directory = own.isSymbolicLink() ? Files.isDirectory(file) : own.isDirectory();
        return new FileEntry(String.valueOf(file.getFileName()), directory, own.isSymbolicLink(), own.isRegularFile() ? own.size() : -1);
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    private static <T> T io(String path, IoCall<T> call) {
        try {
            return call.call();
        } catch (NoSuchFileException e) {
            throw new ExecutorException.Refused("No such file or directory: " + path);
        } catch (IOException e) {
            throw new ExecutorException.Refused(e.getClass().getSimpleName() + ": " + path);
        } catch (UncheckedIOException e) {
            throw new ExecutorException.Refused(e.getCause().getClass().getSimpleName() + ": " + path);
        }
    }
}
