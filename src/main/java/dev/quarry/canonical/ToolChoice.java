package dev.quarry.canonical;

/** How the model may use the tools it was given. */
public sealed interface ToolChoice {
    /** The model decides. */
    record Auto() implements ToolChoice {}

    /** The model must not call a tool. */
    record None() implements ToolChoice {}

    /** The model must call some tool. */
    record Any() implements ToolChoice {}

    /** The model must call this tool. */
    record Named(String name) implements ToolChoice {}

    ToolChoice AUTO = new Auto();
}
