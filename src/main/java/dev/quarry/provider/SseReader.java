package dev.quarry.provider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads Server-Sent Events from an upstream response body, one event per call, as the
 * WHATWG EventSource rules define them: {@code event:} and {@code data:} fields, data lines
 * joined by newlines, comments ({@code :}) and unknown fields ignored, a blank line ends an event,
 * lines end in CRLF, LF or CR, and a leading byte order mark is skipped.
 *
 * <p>It scans bytes and decodes UTF-8 only for what an event carries: every field name and line
 * end is ASCII, so a line can be cut without decoding it. An upstream answer is dozens of small
 * events, and a reader per call, so the buffers are small.
 */
public final class SseReader implements AutoCloseable {

    /** One event. {@code event} is {@code "message"} when the server named none. */
    public record Event(String event, String data) {}

    private static final int BUFFER = 2048;
    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InputStream body;
    private final byte[] buffer = new byte[BUFFER];
    private int pos;
    private int limit;
    private boolean ended;
    /** The last line ended in CR: an LF first thing on the next read is part of that line end. */
    private boolean afterCr;
    private boolean firstLine = true;
    /** A line that spans reads, gathered here; a line inside the buffer is read where it lies. */
    private final Bytes spanning = new Bytes(128);
    private byte[] line;
    private int lineStart;
    private int lineEnd;

    private final Bytes data = new Bytes(256);
    private boolean hasData;
    private String event;

    public SseReader(InputStream body) {
        this.body = body;
    }

    /** The next event, or {@code null} at the end of the body. */
    public Event next() throws IOException {
        while (nextLine()) {
            if (lineStart == lineEnd) {
                if (hasData) return dispatch();
                event = null;
                continue;
            }
            if (line[lineStart] == ':') continue;
            int colon = indexOf(':');
            int fieldEnd = colon < 0 ? lineEnd : colon;
            int value = colon < 0 ? lineEnd : colon + 1;
            if (value < lineEnd && line[value] == ' ') value++;
            if (isField(DATA, fieldEnd)) {
                if (hasData) data.add((byte) '\n');
                data.add(line, value, lineEnd - value);
                hasData = true;
            } else if (isField(EVENT, fieldEnd)) {
                event = new String(line, value, lineEnd - value, StandardCharsets.UTF_8);
            }
            // id, retry and unknown fields mean nothing to a one-shot reader
        }
        // A body that ends without the final blank line still delivered its last event.
        return hasData ? dispatch() : null;
    }

    private Event dispatch() {
        Event out = new Event(event == null ? "message" : event, data.decode());
        data.clear();
        hasData = false;
        event = null;
        return out;
    }

    /** Points {@link #line} at the next line, its end excluded; false at the end of the body. */
    private boolean nextLine() throws IOException {
        spanning.clear();
        while (true) {
            if (pos == limit && !fill()) {
                if (spanning.size == 0) return false;
                return lineIn(spanning.bytes, 0, spanning.size);
            }
            if (afterCr) {
                afterCr = false;
                if (buffer[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            int start = pos;
            while (pos < limit && buffer[pos] != '\n' && buffer[pos] != '\r') pos++;
            if (pos == limit) {
                spanning.add(buffer, start, pos - start);
                continue;
            }
            afterCr = buffer[pos++] == '\r';
            if (spanning.size == 0) return lineIn(buffer, start, pos - 1);
            spanning.add(buffer, start, pos - 1 - start);
            return lineIn(spanning.bytes, 0, spanning.size);
        }
    }

    private boolean lineIn(byte[] bytes, int start, int end) {
        if (firstLine) {
            firstLine = false;
            if (end - start >= BOM.length && Arrays.equals(bytes, start, start + BOM.length, BOM, 0, BOM.length)) start += BOM.length;
        }
        line = bytes;
        lineStart = start;
        lineEnd = end;
        return true;
    }

    private boolean fill() throws IOException {
        if (ended) return false;
        int n = body.read(buffer, 0, buffer.length);
        if (n < 0) {
            ended = true;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    private int indexOf(char c) {
        for (int i = lineStart; i < lineEnd; i++) {
            if (line[i] == c) return i;
        }
        return -1;
    }

    private boolean isField(byte[] name, int fieldEnd) {
        return Arrays.equals(line, lineStart, fieldEnd, name, 0, name.length);
    }

    @Override
    public void close() throws IOException {
        body.close();
    }

    /** A growable byte array. */
    private static final class Bytes {
        byte[] bytes;
        int size;

        Bytes(int capacity) {
            bytes = new byte[capacity];
        }

        void add(byte b) {
            ensure(1);
            bytes[size++] = b;
        }

        void add(byte[] from, int start, int length) {
            ensure(length);
            System.arraycopy(from, start, bytes, size, length);
            size += length;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }

        String decode() {
            return new String(bytes, 0, size, StandardCharsets.UTF_8);
        }

        void clear() {
            size = 0;
        }
    }
}
