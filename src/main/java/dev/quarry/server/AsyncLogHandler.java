package dev.quarry.server;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * A handler for the access log, which logs one line per request: the request hands its record to
 * a bounded queue and goes on, and a daemon thread formats the lines and writes them in batches,
 * one write for all the lines of the last 50 ms. A request never waits for the log: when the
 * queue is full its line is dropped and counted, and the count is written as a line of its own
 * once the writer catches up. {@link #flush()} waits (a little) for the lines already handed over.
 */
final class AsyncLogHandler extends Handler {
    private static final long FLUSH_WAIT_MILLIS = 2_000;
    /** How long a line may wait for others once the writer is busy; an idle writer wakes for the next line. */
    private static final long LINGER_MILLIS = 50;

    private final BlockingQueue<LogRecord> queue;
    private final PrintStream out;
    private final AtomicLong handed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** Lines written or dropped; guarded by {@code this}, which {@link #flush()} waits on. */
    private long done;
    private final Thread writer;

    AsyncLogHandler(PrintStream out, Formatter format, int capacity) {
        this.out = out;
        this.queue = new ArrayBlockingQueue<>(capacity);
        setFormatter(format);
        writer = Thread.ofPlatform().daemon().name("quarry-access-log").start(this::write);
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) return;
        handed.incrementAndGet();
        if (!queue.offer(record)) {
            dropped.incrementAndGet();
            finished(1);
        }
    }

    private void write() {
        List<LogRecord> batch = new ArrayList<>();
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch);
                StringBuilder lines = new StringBuilder(160 * batch.size());
                for (LogRecord record : batch) format(record, lines);
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    LogRecord report = new LogRecord(Level.WARNING, lost + " access log lines dropped: the log's writer could not keep up.");
                    report.setLoggerName(batch.getLast().getLoggerName());
                    format(report, lines);
                }
                out.writeBytes(lines.toString().getBytes(StandardCharsets.UTF_8)); // whole lines, under the stream's lock
                out.flush();
                finished(batch.size());
                batch.clear();
                Thread.sleep(LINGER_MILLIS); // lets lines gather: one wake-up and one write per batch, not per request
            }
        } catch (InterruptedException closed) {
            // close(): the lines still queued are not waited for
        }
    }

    private void format(LogRecord record, StringBuilder lines) {
        try {
            lines.append(getFormatter().format(record));
        } catch (RuntimeException e) {
            reportError(null, e, ErrorManager.FORMAT_FAILURE); // one bad record must not stop the writer
        }
    }

    private synchronized void finished(long lines) {
        done += lines;
        notifyAll();
    }

    /** Waits until the lines handed over so far are written, or for two seconds at most. */
    @Override
    public synchronized void flush() {
        long target = handed.get();
        long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLUSH_WAIT_MILLIS);
        try {
            for (long left = FLUSH_WAIT_MILLIS; done < target && left > 0; left = TimeUnit.NANOSECONDS.toMillis(giveUp - System.nanoTime())) {
                wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        flush();
        writer.interrupt();
    }
}
