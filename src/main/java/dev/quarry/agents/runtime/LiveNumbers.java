package dev.quarry.agents.runtime;

/** Numbers live deltas after the last committed event: 1, 2, … again after each commit (see {@code SessionEvent}). */
final class LiveNumbers {
    private long seq = Long.MIN_VALUE;
    private int live;

    /** The number of the next live delta after committed event {@code committedSeq}. */
    synchronized int next(long committedSeq) {
        if (committedSeq != seq) {
            seq = committedSeq;
            live = 0;
        }
        return ++live;
    }
}
