package dev.quarry.cli;

import java.util.logging.LogManager;

/**
 * java.util.logging's manager, less the reset it does in its own JVM shutdown hook. That hook
 * runs alongside Quarry's, which drains for up to the grace period when the JVM is ended another
 * way than SIGTERM or Ctrl-C (which 'serve' handles before the JVM exits: SIGHUP, say), and would
 * otherwise log its progress (what it waits for, what it flushed) into handlers already closed.
 * Handlers flush every record, so nothing is left to write at exit (the access log, written by a
 * thread of its own, is flushed by 'serve' after its drain).
 */
public final class ExitSafeLogManager extends LogManager {

    /**
     * Its name, for the {@code java.util.logging.manager} property, which is read once, when the
     * first thing logs. A constant, so reading it loads nothing: loading this class would.
     */
    static final String NAME = "dev.quarry.cli.ExitSafeLogManager";

    @Override
    public void reset() {
        if (!exiting()) super.reset();
    }

    private static boolean exiting() {
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shutdownInProgress) {
            return true;
        }
    }
}
