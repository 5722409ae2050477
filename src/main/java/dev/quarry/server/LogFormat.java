package dev.quarry.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per log record: time, level, logger, message ({@code key=value} pairs where the code
 * writes them, such as {@code request_id=}), so logs can be grepped and shipped as they are.
 */
public final class LogFormat extends Formatter {

    /**
     * Libraries' own reports of routine progress (Flyway's migration steps, Helidon's listener
     * and feature lines, DJL's platform probe) would bury Quarry's lines; their warnings and
     * errors still show. DJL, under the MiniLM model's tokenizer, also probes for a GPU and warns
     * when a CUDA runtime is installed without a driver: the model runs on the CPU either way.
     * Held here because java.util.logging keeps its loggers, and so their levels, only weakly.
     */
    private static final List<Logger> LIBRARIES = List.of(
            quieted("org.flywaydb", Level.WARNING),
            quieted("io.helidon", Level.WARNING),
            quieted("ai.djl", Level.WARNING),
            quieted("ai.djl.util.cuda", Level.SEVERE));

    /**
     * The access log, one line per request: written by a thread of its own, so that a request
     * does not format and write its line (a syscall) itself. Other records are written as they
     * come, so that a warning is never lost to a crash.
     */
    private static final Logger ACCESS = Logger.getLogger("quarry.access");
    /** Lines a request may leave to the access log's writer before they are dropped (and counted). */
    private static final int ACCESS_QUEUE = 16_384;

    /** Routes java.util.logging (which Helidon, Flyway and the drivers also use) to stderr in this format. */
    public static void install(Level level) {
        Logger root = Logger.getLogger("");
        for (var handler : root.getHandlers()) root.removeHandler(handler);
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(new LogFormat());
        console.setLevel(level);
        root.addHandler(console);
        root.setLevel(level);

        closeAccessWriter();
        AsyncLogHandler access = new AsyncLogHandler(System.err, new LogFormat(), ACCESS_QUEUE);
        access.setLevel(level);
        ACCESS.addHandler(access);
        ACCESS.setUseParentHandlers(false);
    }

    /** Writes the access lines still queued: at shutdown, after the last request. */
    public static void flush() {
        for (var handler : ACCESS.getHandlers()) handler.flush();
    }

    private static void closeAccessWriter() {
        for (var handler : ACCESS.getHandlers()) {
            if (handler instanceof AsyncLogHandler installed) {
                ACCESS.removeHandler(installed);
                installed.close();
            }
        }
    }

    private static Logger quieted(String name, Level level) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(level);
        return logger;
    }

    @Override
    public String format(LogRecord r) {
        StringBuilder line = new StringBuilder(160)
                .append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                .append(r.getLevel().getName()).append(' ')
                .append(r.getLoggerName()).append(' ')
                .append(formatMessage(r)).append('\n');
        if (r.getThrown() != null) {
            StringWriter trace = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }
}
