package dev.quarry.bench.jmh;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A reusable in-memory response body: it keeps what is written in one growing array, {@link #reset()}
 * between invocations, so a benchmark measures the encoder and not the allocation of its output
 * buffer. {@link #flush()} (called after every event) costs nothing, unlike a socket's.
 */
final class Sink extends OutputStream {
    private byte[] bytes = new byte[64 * 1024];
    private int size;

    void reset() {
        size = 0;
    }

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    @Override
    public void flush() {
        // nothing buffered
    }

    private void ensure(int more) {
        if (size + more > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
}
