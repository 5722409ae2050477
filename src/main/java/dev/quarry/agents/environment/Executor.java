package dev.quarry.agents.environment;

import java.util.List;

/**
 * A machine an agent acts on: it runs processes and reads and writes files there. Every path is
 * absolute, as the executor sees it; confining paths to a workspace is {@code Workspace}'s job,
 * not the executor's. Calls block the calling (virtual) thread. Safe for concurrent use.
 *
 * <p>Failures: {@link ExecutorException.Disconnected} when the executor is gone (its processes are
 * gone with it), {@link ExecutorException.Refused} when it answered with an error (a missing file,
 * a bad argument), {@link ExecutorException.Interrupted} when the calling thread was interrupted.
 */
public interface Executor extends AutoCloseable {
    /** What the executor said about itself when it connected. */
    ExecutorInfo info();

    /**
     * Starts a process; its output goes to {@code sink} as it comes, on a thread of the
     * executor's, in order.
     */
    RunningProcess start(ProcessSpec spec, OutputSink sink);

    /** The file's bytes; refused when it is larger than {@code maxBytes}. */
    byte[] readFile(String path, int maxBytes);

    /** Writes (creates or replaces) the file; its folder must exist. */
    void writeFile(String path, byte[] content);

    /** Creates the folder and any missing parents. */
    void createDirectories(String path);

    /** The folder's direct entries, in no particular order. */
    List<FileEntry> readDirectory(String path);

    /** What is at {@code path}: {@code null} when nothing is. */
    FileEntry metadata(String path);

    /** The path with symbolic links and {@code .}/{@code ..} resolved; refused when it does not exist. */
    String canonicalize(String path);

    /** Removes the file or (with everything in it) the folder. */
    void remove(String path);

    /** Disconnects; the executor ends every process this connection started. */
    @Override
    void close();
}
