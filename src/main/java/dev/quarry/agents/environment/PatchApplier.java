package dev.quarry.agents.environment;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Applies a {@link Patch} on an executor, inside a {@link Workspace}. Every path is confined and
 * every file read and every hunk matched before anything is written, so a patch that does not fit
 * changes nothing. The writes that follow go file by file: a write the executor refuses half way
 * leaves the earlier ones in place, and the error lists them.
 *
 * <p>Hunks match as Codex's {@code apply_patch} does ({@link LineMatcher}). An updated file keeps
 * its line endings (CRLF when most of its lines end so) and ends with a newline, as Codex writes it;
 * an added file is written as given (LF).
 */
public final class PatchApplier {
    /** The largest file an update reads. */
    public static final int MAX_FILE_BYTES = 16 << 20;
    /**
     * The most all files of one patch may hold together: every file is read before anything is written, so
     * without it a short patch naming many large files would hold them all in memory at once.
     */
    public static final long MAX_PATCH_BYTES = 64L << 20;
    private static final int QUOTED_HUNK_LINES = 3;

    private final Executor executor;
    private final Workspace workspace;

    public PatchApplier(Executor executor, Workspace workspace) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.workspace = Objects.requireNonNull(workspace, "workspace");
    }

    /** What a change did to a file. */
    public enum Kind {
        ADD, UPDATE, DELETE, MOVE;

        /** The name on the wire ({@code file_change.changes[].kind}). */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One file changed.
     *
     * @param path     the file's canonical path on the executor
     * @param movePath where a {@link Kind#MOVE} moved it to, else {@code null}
     */
    public record Change(String path, Kind kind, String movePath) {}

    /**
     * @param changes the files changed, in the patch's order
     * @param summary what the model is told, Codex's {@code Success. Updated the following files:} list
     */
    public record Result(List<Change> changes, String summary) {}

    /**
     * @throws PatchException     a file is missing or a hunk does not match (nothing written), or a
     *                            write failed (see {@link PatchException#applied()})
     * @throws WorkspaceException a path is outside the workspace (nothing written)
     */
    public Result apply(Patch patch) {
        List<Step> steps = plan(patch);
        List<Change> applied = new ArrayList<>();
        for (Step step : steps) {
            try {
                step.run(executor);
            } catch (ExecutorException.Refused e) {
                throw new PatchException("Applied " + applied.size() + " of " + steps.size()
                        + " file changes, then the executor refused one: " + e.getMessage(), applied);
            }
            applied.add(step.change());
        }
        return new Result(applied, summary(steps));
    }

    /** Each file operation as the write it comes to, reading through what earlier operations will have written. */
    private List<Step> plan(Patch patch) {
        Planned files = new Planned();
        List<Step> steps = new ArrayList<>();
        for (Patch.FileOperation operation : patch.operations()) {
            String path = workspace.resolve(operation.path());
            steps.add(switch (operation) {
                case Patch.Add add -> {
                    files.requireNotFolder(path, add.path());
                    files.put(path, add.content());
                    yield new Step.Write(path, add.content().getBytes(StandardCharsets.UTF_8),
                            new Change(path, Kind.ADD, null), "A " + add.path(), true);
                }
                case Patch.Delete delete -> {
                    files.read(path, delete.path());
                    files.put(path, null);
                    yield new Step.Remove(path, new Change(path, Kind.DELETE, null), "D " + delete.path());
                }
                case Patch.Update update -> {
                    String updated = updatedText(files.read(path, update.path()), update);
                    byte[] bytes = updated.getBytes(StandardCharsets.UTF_8);
                    if (update.moveTo() == null) {
                        files.put(path, updated);
                        yield new Step.Write(path, bytes, new Change(path, Kind.UPDATE, null), "M " + update.path(), false);
                    }
                    String target = workspace.resolve(update.moveTo());
                    files.requireNotFolder(target, update.moveTo());
                    files.put(path, null);
                    files.put(target, updated);
                    yield new Step.Move(path, target, bytes, new Change(path, Kind.MOVE, target), "M " + update.moveTo());
                }
            });
        }
        return steps;
    }

    private static String updatedText(String original, Patch.Update update) {
        boolean crlf = usesCrlf(original);
        String text = crlf ? original.replace("\r\n", "\n") : original;
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (lines.getLast().isEmpty()) lines.removeLast();
        List<String> result = LineMatcher.apply(lines, update.hunks(), (index, why) -> hunkError(update, index, why));
        String joined = result.isEmpty() ? "" : String.join("\n", result) + "\n";
        return crlf ? joined.replace("\n", "\r\n") : joined;
    }

    /** CRLF when at least as many lines end in CRLF as in a lone LF (Codex's {@code detect_eol_from_bytes}). */
    private static boolean usesCrlf(String text) {
        int crlf = 0;
        int lf = 0;
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
            if (i > 0 && text.charAt(i - 1) == '\r') crlf++;
            else lf++;
        }
        return crlf > 0 && crlf >= lf;
    }

    private static PatchException hunkError(Patch.Update update, int index, LineMatcher.Miss miss) {
        String where = update.path() + " (hunk " + (index + 1) + " of " + update.hunks().size() + ")";
        return switch (miss) {
            case LineMatcher.Miss.Context(String context) ->
                    new PatchException("Failed to find context '" + context + "' in " + where + ". No files were modified.");
            case LineMatcher.Miss.Lines(List<String> oldLines) -> {
                List<String> quoted = oldLines.subList(0, Math.min(QUOTED_HUNK_LINES, oldLines.size()));
                String more = oldLines.size() > QUOTED_HUNK_LINES ? "\n…" : "";
                yield new PatchException("Failed to find expected lines in " + where + ":\n"
                        + String.join("\n", quoted) + more + "\nNo files were modified.");
            }
        };
    }

    private static String summary(List<Step> steps) {
        StringBuilder out = new StringBuilder("Success. Updated the following files:\n");
        for (char letter : new char[] {'A', 'M', 'D'}) {
            for (Step step : steps) {
                if (step.summaryLine().charAt(0) == letter) out.append(step.summaryLine()).append('\n');
            }
        }
        return out.toString();
    }

    /** The files as the patch will leave them, read from the executor on first use; {@code null} for gone. */
    private final class Planned {
        private final Map<String, String> texts = new HashMap<>();
        private long bytesRead;

        String read(String path, String asGiven) {
            if (texts.containsKey(path)) {
                String text = texts.get(path);
                if (text == null) throw new PatchException("No such file: " + asGiven + " (an earlier part of the patch removes it).");
                return text;
            }
            FileEntry entry = executor.metadata(path);
            if (entry == null) throw new PatchException("No such file: " + asGiven + ". No files were modified.");
            if (entry.directory()) throw new PatchException(asGiven + " is a folder, not a file. No files were modified.");
            if (bytesRead + Math.max(0, entry.size()) > MAX_PATCH_BYTES) throw tooMuch(asGiven);
            byte[] bytes;
            try {
                bytes = executor.readFile(path, MAX_FILE_BYTES);
            } catch (ExecutorException.Refused e) {
                throw new PatchException("Failed to read " + asGiven + " (" + e.getMessage() + "). No files were modified.");
            }
            bytesRead += bytes.length;
            if (bytesRead > MAX_PATCH_BYTES) throw tooMuch(asGiven);
            String text = decode(bytes, asGiven);
            texts.put(path, text);
            return text;
        }

        void requireNotFolder(String path, String asGiven) {
            if (texts.containsKey(path)) return;
            FileEntry entry = executor.metadata(path);
            if (entry != null && entry.directory()) {
                throw new PatchException(asGiven + " is a folder, not a file. No files were modified.");
            }
        }

        void put(String path, String text) {
            texts.put(path, text);
        }

        private static PatchException tooMuch(String asGiven) {
            return new PatchException("The files this patch reads come to more than " + (MAX_PATCH_BYTES >> 20) + " MiB (at " + asGiven
                    + "); split it into smaller patches. No files were modified.");
        }

        private static String decode(byte[] bytes, String asGiven) {
            String text = Utf8Text.decodeOrNull(bytes);
            if (text == null) {
                throw new PatchException(asGiven + " is not UTF-8 text; apply_patch edits text files only. No files were modified.");
            }
            return text;
        }
    }

    /** One write on the executor. */
    private sealed interface Step {
        Change change();

        String summaryLine();

        void run(Executor executor);

        record Write(String path, byte[] content, Change change, String summaryLine, boolean createParents) implements Step {
            public void run(Executor executor) {
                if (createParents) createParentFolders(executor, path);
                executor.writeFile(path, content);
            }
        }

        record Remove(String path, Change change, String summaryLine) implements Step {
            public void run(Executor executor) {
                executor.remove(path);
            }
        }

        record Move(String from, String to, byte[] content, Change change, String summaryLine) implements Step {
            public void run(Executor executor) {
                createParentFolders(executor, to);
                executor.writeFile(to, content);
                if (!from.equals(to)) executor.remove(from);
            }
        }

        private static void createParentFolders(Executor executor, String path) {
            int slash = path.lastIndexOf('/');
            if (slash > 0) executor.createDirectories(path.substring(0, slash));
        }
    }
}
