package dev.quarry.aws;

import java.io.IOException;

/**
 * An event stream that cannot be trusted any further: a checksum mismatch, a frame cut short, a
 * length beyond the protocol's limits or a malformed header. The stream must be abandoned, since
 * frame boundaries after a bad frame are unknown.
 */
public final class EventStreamException extends IOException {
    public EventStreamException(String message) {
        super(message);
    }
}
