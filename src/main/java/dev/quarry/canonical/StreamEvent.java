package dev.quarry.canonical;

/**
 * The stream vocabulary every provider produces and every surface encodes.
 *
 * <p>A well-formed stream is: {@link MessageStart}; then for each content block, in index order,
 * {@link BlockStart}, its deltas and {@link BlockStop}; then any number of {@link UsageReport}s
 * (each one cumulative, the last one wins); and {@link MessageStop} last. Blocks do not
 * interleave. A failure is not an event: the stream throws {@link QuarryException} instead.
 */
public sealed interface StreamEvent {

    /** @param model the model that is answering, as the upstream named it */
    record MessageStart(String id, String model) implements StreamEvent {}

    /**
     * Opens block {@code index}. {@code block} carries the block's kind and identity with empty
     * content: {@code Text("")}, {@code ToolUse(id, name, "", kind)} or {@code Reasoning("", null)}.
     */
    record BlockStart(int index, ContentBlock block) implements StreamEvent {}

    record TextDelta(int index, String text) implements StreamEvent {}

    /** A fragment of a tool call's input; fragments concatenate to the whole input. */
    record ToolInputDelta(int index, String fragment) implements StreamEvent {}

    /** A fragment of reasoning text, or the reasoning block's signature (then {@code text} is empty). */
    record ReasoningDelta(int index, String text, String signature) implements StreamEvent {}

    record BlockStop(int index) implements StreamEvent {}

    record UsageReport(Usage usage) implements StreamEvent {}

    record MessageStop(StopReason reason) implements StreamEvent {}
}
