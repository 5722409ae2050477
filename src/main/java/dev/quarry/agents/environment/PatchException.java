package dev.quarry.agents.environment;

import java.util.List;

/**
 * Why a patch was not parsed or not (wholly) applied; the message is written for the model. It
 * quotes patch lines, never the contents of files.
 */
public final class PatchException extends RuntimeException {
    private final List<PatchApplier.Change> applied;

    PatchException(String message) {
        this(message, List.of());
    }

    PatchException(String message, List<PatchApplier.Change> applied) {
        super(message, null, false, false);
        this.applied = List.copyOf(applied);
    }

    /** The changes made before a write failed; empty when nothing was written. */
    public List<PatchApplier.Change> applied() {
        return applied;
    }
}
