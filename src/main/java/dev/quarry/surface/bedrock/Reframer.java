package dev.quarry.surface.bedrock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An output stream that another encoder writes whole frames to, flushing after each: it collects
 * the bytes and, at each flush, hands what it holds to {@link #frames}, which sends the complete
 * frames on in InvokeModel's framing and returns the bytes of an unfinished one, kept for later.
 * It lets the Converse and Anthropic stream encoders be reused rather than written again.
 */
abstract class Reframer extends OutputStream {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** Sends the complete frames in {@code bytes}; returns what is left of an incomplete one. */
    protected abstract byte[] frames(byte[] bytes) throws IOException;

    @Override
    public final void write(int b) {
        pending.write(b);
    }

    @Override
    public final void write(byte[] bytes, int offset, int length) {
        pending.write(bytes, offset, length);
    }

    @Override
    public final void flush() throws IOException {
        byte[] rest = frames(pending.toByteArray());
        pending.reset();
        pending.writeBytes(rest);
    }
}
