package dev.quarry.agents.environment;

/**
 * What an executor says about itself when it connects.
 *
 * @param version the executor's version ({@code codex exec-server}'s {@code executorVersion}), {@code null} if it said none
 * @param shell   its shell, {@code null} if it said none
 * @param cwd     its working folder, {@code null} if it said none
 */
public record ExecutorInfo(String version, String shell, String cwd) {}
