package dev.quarry.agents.environment;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * The folder on an executor that an agent's paths are confined to (design section 6). A path is
 * resolved against the workspace, normalized, and canonicalized by the executor (so symbolic links
 * are followed where they really lead); it is accepted only when it is the workspace or lies under
 * it. The returned canonical path is the one to use, so what was checked is what gets touched.
 *
 * <p>Not proof against a race: a link swapped in between the check and the use is followed. The
 * executor's own sandbox is the boundary for that (README).
 */
public final class Workspace {
    /** The longest path accepted, as the agent wrote it. */
    public static final int MAX_PATH_CHARS = 4096;

    private final Executor executor;
    private final String directory;
    private final String canonical;

    private Workspace(Executor executor, String directory, String canonical) {
        this.executor = executor;
        this.directory = directory;
        this.canonical = canonical;
    }

    /**
     * @param directory the absolute workspace folder, as configured; it must exist on the executor
     * @throws WorkspaceException it is not absolute or does not exist there
     */
    public static Workspace open(Executor executor, String directory) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(directory, "directory");
        if (!directory.startsWith("/")) {
            throw new WorkspaceException("Workspace '" + directory + "' is not an absolute path.");
        }
        try {
            return new Workspace(executor, directory, executor.canonicalize(normalize(directory)));
        } catch (ExecutorException.Refused e) {
            throw new WorkspaceException("Workspace '" + directory + "' does not exist on the executor.");
        }
    }

    /** The workspace folder as configured. */
    public String directory() {
        return directory;
    }

    /** The workspace folder with links resolved, as the executor sees it. */
    public String canonicalDirectory() {
        return canonical;
    }

    /**
     * The canonical absolute path of {@code path} (absolute, or relative to the workspace), which
     * need not exist yet.
     *
     * @throws WorkspaceException it is empty, too long, holds a NUL, or leads outside the workspace
     */
    public String resolve(String path) {
        if (path == null || path.isEmpty()) throw new WorkspaceException("Path is empty.");
        if (path.length() > MAX_PATH_CHARS) {
            throw new WorkspaceException("Path is longer than " + MAX_PATH_CHARS + " characters.");
        }
        if (path.indexOf('\0') >= 0) throw new WorkspaceException("Path contains a NUL character.");
        String absolute = normalize(path.startsWith("/") ? path : canonical + "/" + path);
        String resolved = canonicalize(absolute, path);
        if (!contains(resolved)) throw outside(path);
        return resolved;
    }

    private boolean contains(String resolved) {
        String prefix = canonical.endsWith("/") ? canonical : canonical + "/";
        return resolved.equals(canonical) || resolved.startsWith(prefix);
    }

    /**
     * The executor's canonical form of the nearest existing ancestor with the missing names put back.
     * Something there that cannot be canonicalized (a dangling link) is refused: where it leads is
     * unknown, and a write through it could land anywhere.
     */
    private String canonicalize(String absolute, String asGiven) {
        Deque<String> missing = new ArrayDeque<>();
        String current = absolute;
        while (true) {
            try {
                String base = executor.canonicalize(current);
                StringBuilder result = new StringBuilder(base);
                for (String name : missing) {
                    if (result.isEmpty() || result.charAt(result.length() - 1) != '/') result.append('/');
                    result.append(name);
                }
                return result.toString();
            } catch (ExecutorException.Refused notThere) {
                if (current.equals("/") || somethingAt(current)) throw outside(asGiven);
                int slash = current.lastIndexOf('/');
                missing.addFirst(current.substring(slash + 1));
                current = slash == 0 ? "/" : current.substring(0, slash);
            }
        }
    }

    private boolean somethingAt(String path) {
        try {
            return executor.metadata(path) != null;
        } catch (ExecutorException.Refused e) {
            return false;
        }
    }

    private WorkspaceException outside(String path) {
        return new WorkspaceException("Path '" + path + "' is outside the workspace '" + directory + "'.");
    }

    /** Resolves {@code .}, {@code ..} and repeated slashes of an absolute path by its text alone. */
    static String normalize(String absolute) {
        List<String> names = new ArrayList<>();
        for (String name : absolute.split("/")) {
            if (name.isEmpty() || name.equals(".")) continue;
            if (name.equals("..")) {
                if (!names.isEmpty()) names.removeLast();
            } else {
                names.add(name);
            }
        }
        return "/" + String.join("/", names);
    }
}
