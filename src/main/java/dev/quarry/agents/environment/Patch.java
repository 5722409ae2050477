package dev.quarry.agents.environment;

import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code apply_patch} patch: the file operations in the order the model wrote them. Paths
 * are as written (usually relative to the workspace); {@link PatchApplier} confines them.
 */
public record Patch(List<FileOperation> operations) {
    public Patch {
        operations = List.copyOf(operations);
    }

    /** One {@code *** Add File}, {@code *** Delete File} or {@code *** Update File} section. */
    public sealed interface FileOperation {
        /** The path the section names. */
        String path();
    }

    /** Creates the file (or replaces it, as Codex does) with {@code content}. */
    public record Add(String path, String content) implements FileOperation {
        public Add {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(content, "content");
        }
    }

    /** Removes the file. */
    public record Delete(String path) implements FileOperation {
        public Delete {
            Objects.requireNonNull(path, "path");
        }
    }

    /**
     * Changes the file by its hunks, in order, and moves it to {@code moveTo} when that is not null.
     */
    public record Update(String path, String moveTo, List<Hunk> hunks) implements FileOperation {
        public Update {
            Objects.requireNonNull(path, "path");
            hunks = List.copyOf(hunks);
        }
    }

    /**
     * One {@code @@} hunk: replace {@code oldLines} with {@code newLines}.
     *
     * @param contexts  the texts after {@code @@} (usually a class or function line), each sought in
     *                  turn before {@code oldLines}; empty for a bare {@code @@}
     * @param oldLines  the context and removed lines, without their prefix
     * @param newLines  the context and added lines, without their prefix
     * @param endOfFile whether {@code *** End of File} closed it: {@code oldLines} end the file
     */
    public record Hunk(List<String> contexts, List<String> oldLines, List<String> newLines, boolean endOfFile) {
        public Hunk {
            contexts = List.copyOf(contexts);
            oldLines = List.copyOf(oldLines);
            newLines = List.copyOf(newLines);
        }
    }
}
