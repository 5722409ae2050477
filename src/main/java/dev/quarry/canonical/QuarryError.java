package dev.quarry.canonical;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure as data: what kind, a message written for the person reading the client's output,
 * the request field at fault (if any), and how long to wait before retrying (if known).
 */
public record QuarryError(ErrorKind kind, String message, String param, Duration retryAfter) {
    public QuarryError {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    public static QuarryError of(ErrorKind kind, String message) {
        return new QuarryError(kind, message, null, null);
    }

    public QuarryException exception() {
        return new QuarryException(this);
    }
}
