package dev.quarry.canonical;

/** Who wrote a message. System and developer instructions live in {@link ChatRequest#system()}. */
public enum Role { USER, ASSISTANT }
