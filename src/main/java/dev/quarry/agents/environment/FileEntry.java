package dev.quarry.agents.environment;

/**
 * A file or folder on an executor.
 *
 * @param name      its name in its folder (for {@link Executor#metadata}: the last part of the path)
 * @param directory whether it is a folder
 * @param symlink   whether it is a symbolic link (then {@code directory} says what it points to, if known)
 * @param size      its size in bytes, {@code -1} when unknown
 */
public record FileEntry(String name, boolean directory, boolean symlink, long size) {}
