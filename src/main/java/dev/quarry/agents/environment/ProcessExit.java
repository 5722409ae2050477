package dev.quarry.agents.environment;

/**
 * How a process ended.
 *
 * @param exitCode      its exit code (a signal shows as the executor reports it)
 * @param sandboxDenied whether the executor's sandbox refused something it did
 */
public record ProcessExit(int exitCode, boolean sandboxDenied) {}
