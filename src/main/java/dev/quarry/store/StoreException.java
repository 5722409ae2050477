package dev.quarry.store;

/** A database failure: an outage or a bug, never a client's fault. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
