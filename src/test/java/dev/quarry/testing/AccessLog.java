package dev.quarry.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The access log's lines while it records: what a test reads to see that a call was logged, and
 * with which status, however it ended. Closing it puts the logger back as it was.
 */
public final class AccessLog implements AutoCloseable {
    private final Logger log = Logger.getLogger("quarry.access");
    private final Level level = log.getLevel();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private AccessLog() {
        log.setLevel(Level.INFO);
        log.addHandler(recorder);
    }

    public static AccessLog record() {
        return new AccessLog();
    }

    /** The lines logged since recording began; a live view. */
    public List<String> lines() {
        return lines;
    }

    @Override
    public void close() {
        log.removeHandler(recorder);
        log.setLevel(level);
    }
}
