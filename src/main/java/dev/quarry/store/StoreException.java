package dev.quarry.store;

import java.sql.SQLException;

/** A database failure: an outage or a bug, never a client's fault. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether the store refused the data itself (a value it cannot hold, a constraint it breaks), so
     * that trying again cannot help; not when it is down, busy or lost a race. SQLState classes 22
     * (data exception) and 23 (integrity constraint violation); SQLite, which sets no SQLState, by
     * its result codes TOOBIG (18), CONSTRAINT (19) and MISMATCH (20).
     */
    public static boolean refusedTheData(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                String state = e.getSQLState();
                if (state != null) return state.startsWith("22") || state.startsWith("23");
                int code = e.getErrorCode() & 0xff;
                return code == 18 || code == 19 || code == 20;
            }
        }
        return false;
    }
}
