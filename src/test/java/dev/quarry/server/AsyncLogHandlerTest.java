package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class AsyncLogHandlerTest {

    @Test
    void linesAreWrittenInOrderInTheLogFormatAndFlushWaitsForThem() {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        AsyncLogHandler handler = new AsyncLogHandler(new PrintStream(written, true, StandardCharsets.UTF_8), new LogFormat(), 1024);
        for (int i = 0; i < 500; i++) handler.publish(line("request_id=r" + i + " status=200"));
        handler.flush();
        String[] lines = written.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(500);
        assertThat(lines[0]).matches("\\S+Z INFO quarry\\.access request_id=r0 status=200");
        assertThat(lines[499]).endsWith(" INFO quarry.access request_id=r499 status=200");
        handler.close();
    }

    /** A writer that cannot keep up costs lines, never a request's time: each line is written or counted as dropped. */
    @Test
    void aFullQueueDropsLinesAndSaysHowMany() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {
                written.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                written.write(b, off, len);
            }
        };
        AsyncLogHandler handler = new AsyncLogHandler(new PrintStream(stuck, true, StandardCharsets.UTF_8), new LogFormat(), 4);
        handler.publish(line("first"));
        writing.await();
        for (int i = 0; i < 100; i++) handler.publish(line("line " + i)); // returns at once, the writer stuck
        release.countDown();
        handler.publish(line("last"));
        handler.flush();
        String log = written.toString(StandardCharsets.UTF_8);
        long lines = log.lines().filter(l -> l.contains(" INFO ")).count();
        long dropped = log.lines().filter(l -> l.contains(" WARNING quarry.access ") && l.contains("access log lines dropped"))
                .mapToLong(l -> Long.parseLong(l.replaceAll(".* WARNING quarry\\.access (\\d+) access log lines dropped.*", "$1"))).sum();
        assertThat(dropped).as("the queue holds 4").isGreaterThanOrEqualTo(100 - 4);
        assertThat(lines + dropped).isEqualTo(102);
        handler.close();
    }

    @Test
    void theAccessLoggerWritesThroughItsOwnWriter() {
        PrintStream stderr = System.err;
        Logger root = Logger.getLogger("");
        Handler[] rootHandlers = root.getHandlers();
        Level rootLevel = root.getLevel();
        Logger access = Logger.getLogger("quarry.access");
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        System.setErr(new PrintStream(written, true, StandardCharsets.UTF_8));
        try {
            LogFormat.install(Level.INFO);
            access.info("request_id=abc status=200");
            LogFormat.flush();
        } finally { // as it was for the other tests
            System.setErr(stderr);
            for (Handler installed : root.getHandlers()) root.removeHandler(installed);
            for (Handler before : rootHandlers) root.addHandler(before);
            root.setLevel(rootLevel);
            for (Handler installed : access.getHandlers()) {
                if (installed instanceof AsyncLogHandler) {
                    access.removeHandler(installed);
                    installed.close();
                }
            }
            access.setUseParentHandlers(true);
        }
        assertThat(written.toString(StandardCharsets.UTF_8)).containsOnlyOnce("INFO quarry.access request_id=abc status=200");
    }

    private static LogRecord line(String message) {
        LogRecord record = new LogRecord(Level.INFO, message);
        record.setLoggerName("quarry.access");
        return record;
    }
}
