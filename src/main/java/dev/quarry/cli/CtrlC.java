package dev.quarry.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C as the normal way to stop following: exit 0, not the 130 of an interrupted process, so a
 * script that follows a session and then stops it does not read its own Ctrl-C as a failure.
 */
final class CtrlC {
    private static final Signal INT = new Signal("INT");

    private CtrlC() {}

    /** Makes Ctrl-C exit 0; the handler it replaces, for {@link #restore}, or {@code null} if the JVM keeps the signal. */
    static SignalHandler exitZero() {
        try {
            return Signal.handle(INT, signal -> {
                System.out.println(); // ends a text line the answer left open
                System.out.flush();
                System.exit(0);
            });
        } catch (IllegalArgumentException reservedByTheJvm) {
            // Run with -Xrs: the JVM leaves the signal to the OS, which ends the process.
            return null;
        }
    }

    static void restore(SignalHandler previous) {
        if (previous != null) Signal.handle(INT, previous);
    }
}
