package dev.quarry.store;

import java.sql.SQLException;

/**
 * A unit of work a {@link GroupCommit} commits together with others'. It may run more than once
 * (together, then alone after the shared transaction failed) and be rolled back each time, so it
 * changes nothing outside the store: it returns what its caller applies once it has committed.
 * It runs on the group commit's thread, inside its transaction, so it may read ({@link Database#read})
 * but not start a transaction or a group commit of its own.
 */
@FunctionalInterface
public interface GroupedWork<T> {
    T run(Statements statements) throws SQLException;
}
