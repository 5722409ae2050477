package dev.quarry.testing;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The HTTP/2 client connection preface and frame reading and writing (RFC 9113 §3.4, §4.1) that the raw h2c test clients share. */
public final class H2Frames {
    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private H2Frames() {}

    /** Writes one frame to {@code out}, neither flushed nor synchronized: callers that share {@code out} do that. */
    public static void write(OutputStream out, int type, int flags, int streamId, byte[] payload) throws IOException {
        int length = payload.length;
        out.write(new byte[] {(byte) (length >>> 16), (byte) (length >>> 8), (byte) length, (byte) type, (byte) flags,
                (byte) (streamId >>> 24), (byte) (streamId >>> 16), (byte) (streamId >>> 8), (byte) streamId});
        out.write(payload);
    }

    /** One frame as read; {@code streamId} without its reserved bit. */
    public record Frame(int type, int flags, int streamId, byte[] payload) {}

    /** Reads the next frame from {@code in}: an {@link EOFException} when the connection ends, inside a frame too. */
    public static Frame read(DataInputStream in) throws IOException {
        int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int streamId = in.readInt() & 0x7fff_ffff;
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) throw new EOFException();
        return new Frame(type, flags, streamId, payload);
    }
}
