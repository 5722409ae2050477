package dev.quarry.provider.wire;

import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.StreamEvent;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Numbers content blocks in the order they open and closes each one before the next opens, so a
 * decoder's output never interleaves blocks. Each block is known by a key of the decoder's choosing
 * (an upstream item index, "the text"), and the open block is the only one deltas can go to.
 */
public final class BlockSequence {
    private final Consumer<StreamEvent> out;
    private Object openKey;
    private int openIndex = -1;
    private int count;

    public BlockSequence(Consumer<StreamEvent> out) {
        this.out = out;
    }

    /** Closes the open block, if any, and opens {@code block} under {@code key}; returns its index. */
    public int open(Object key, ContentBlock block) {
        close();
        openKey = key;
        openIndex = count++;
        out.accept(new StreamEvent.BlockStart(openIndex, block));
        return openIndex;
    }

    /** The index of the open block if it is {@code key}'s, else opens {@code block} under {@code key}. */
    public int ensureOpen(Object key, ContentBlock block) {
        return isOpen(key) ? openIndex : open(key, block);
    }

    public boolean isOpen(Object key) {
        return openIndex >= 0 && Objects.equals(openKey, key);
    }

    /** The open block's index; only meaningful when {@link #isOpen} said so. */
    public int openIndex() {
        return openIndex;
    }

    public void close() {
        if (openIndex < 0) return;
        out.accept(new StreamEvent.BlockStop(openIndex));
        openIndex = -1;
        openKey = null;
    }
}
