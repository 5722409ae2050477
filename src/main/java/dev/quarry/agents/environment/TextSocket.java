package dev.quarry.agents.environment;

import java.io.IOException;
import java.time.Duration;

/**
 * The text side of one WebSocket, whichever end opened it: what JSON-RPC to an executor runs over,
 * so that the JDK's client socket (Quarry dials the executor) and the web server's socket (the
 * executor dials Quarry) carry the same protocol code.
 */
public interface TextSocket {
    /**
     * Sends one whole text message, waiting at most {@code timeout} for it to be written.
     *
     * @throws IOException it could not be sent (the message says why, never what)
     */
    void send(String text, Duration timeout) throws IOException, InterruptedException;

    /** Says goodbye with a close frame, briefly, then ends the connection. */
    void close();

    /** Ends the connection at once. */
    void abort();
}
