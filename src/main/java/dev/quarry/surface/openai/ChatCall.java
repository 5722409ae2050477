package dev.quarry.surface.openai;

import dev.quarry.canonical.ChatRequest;

/**
 * A decoded chat request and how the client wants the answer delivered.
 *
 * @param includeUsage {@code stream_options.include_usage}: send a usage chunk before {@code [DONE]}
 */
public record ChatCall(ChatRequest request, boolean stream, boolean includeUsage) {}
