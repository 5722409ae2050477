package dev.quarry.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a committed ledger row or audit event survives ({@code ledger.durability} in the
 * configuration). Other store writes (keys, policies, agents) are always {@link #POWER}.
 */
public enum Durability {
    /**
     * A crash or kill of the Quarry process, not of the machine: the commit is in the operating
     * system's hands but not yet on disk. SQLite: WAL with {@code synchronous=NORMAL} (never
     * corrupts; a power loss can undo the last commits); PostgreSQL: {@code synchronous_commit off}.
     */
    PROCESS,
    /** A power loss too: every commit waits for its fsync (SQLite {@code synchronous=FULL}). */
    POWER;

    /** The default: the crash Quarry promises to survive is its own; a power loss loses the requests in flight anyway. */
    public static final Durability DEFAULT = PROCESS;

    /** The name in the configuration file. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Durability> named(String name) {
        return Arrays.stream(values()).filter(d -> d.configName().equals(name)).findFirst();
    }
}
