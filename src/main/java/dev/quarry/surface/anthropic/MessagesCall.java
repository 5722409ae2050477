package dev.quarry.surface.anthropic;

import dev.quarry.canonical.ChatRequest;

/** A decoded Messages request and whether the client wants the answer streamed. */
public record MessagesCall(ChatRequest request, boolean stream) {}
