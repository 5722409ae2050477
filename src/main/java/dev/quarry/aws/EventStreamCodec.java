package dev.quarry.aws;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * The {@code application/vnd.amazon.eventstream} framing: writes one message as one frame, and
 * reads frames one at a time from a stream.
 *
 * <pre>
 * total length (4) | headers length (4) | prelude CRC32 (4) | headers | payload | message CRC32 (4)
 * </pre>
 *
 * All integers are big-endian; both CRCs are IEEE CRC32, the message CRC over every byte before
 * it. Reading checks the prelude CRC before trusting the lengths and the limits before
 * allocating, so a corrupt or hostile stream fails with {@link EventStreamException} instead of
 * exhausting memory or waiting for bytes that will never come.
 */
public final class EventStreamCodec {
    /** The protocol's limit on a payload (24 MiB). */
    public static final int MAX_PAYLOAD = 24 * 1024 * 1024;
    /** The protocol's limit on the encoded headers (128 KiB). */
    public static final int MAX_HEADERS = 128 * 1024;

    private static final int PRELUDE = 12;
    private static final int OVERHEAD = PRELUDE + 4;
    private static final int MAX_SHORT_LENGTH = 0xFFFF;

    private EventStreamCodec() {}

    /** The frame of one message. */
    public static byte[] encode(EventStreamMessage message) {
        byte[] headers = encodeHeaders(message.headers());
        byte[] payload = message.payload();
        if (headers.length > MAX_HEADERS) throw new IllegalArgumentException("headers take " + headers.length + " bytes, over the 128 KiB limit");
        if (payload.length > MAX_PAYLOAD) throw new IllegalArgumentException("payload of " + payload.length + " bytes is over the 24 MiB limit");

        int total = OVERHEAD + headers.length + payload.length;
        ByteBuffer frame = ByteBuffer.allocate(total);
        frame.putInt(total).putInt(headers.length).putInt(crc(frame.array(), 0, 8));
        frame.put(headers).put(payload);
        frame.putInt(crc(frame.array(), 0, total - 4));
        return frame.array();
    }

    /** Writes one message's frame and flushes, so a streamed event leaves at once. */
    public static void write(EventStreamMessage message, OutputStream out) throws IOException {
        out.write(encode(message));
        out.flush();
    }

    /**
     * Reads the next frame. Returns {@code null} when the stream ends cleanly between frames;
     * throws {@link EventStreamException} when it ends inside one or the frame is invalid.
     */
    public static EventStreamMessage read(InputStream in) throws IOException {
        byte[] prelude = in.readNBytes(PRELUDE);
        if (prelude.length == 0) return null;
        if (prelude.length < PRELUDE) throw new EventStreamException("the stream ended inside a frame's prelude");

        ByteBuffer head = ByteBuffer.wrap(prelude);
        long total = Integer.toUnsignedLong(head.getInt());
        long headersLength = Integer.toUnsignedLong(head.getInt());
        if (head.getInt() != crc(prelude, 0, 8)) throw new EventStreamException("prelude checksum mismatch");
        if (total < OVERHEAD || headersLength > total - OVERHEAD) {
            throw new EventStreamException("frame lengths are inconsistent: total " + total + ", headers " + headersLength);
        }
        if (headersLength > MAX_HEADERS) throw new EventStreamException("frame headers of " + headersLength + " bytes exceed the 128 KiB limit");
        if (total - OVERHEAD - headersLength > MAX_PAYLOAD) {
            throw new EventStreamException("frame payload of " + (total - OVERHEAD - headersLength) + " bytes exceeds the 24 MiB limit");
        }

        byte[] rest = in.readNBytes((int) total - PRELUDE);
        if (rest.length < total - PRELUDE) throw new EventStreamException("the stream ended inside a frame");
        CRC32 crc = new CRC32();
        crc.update(prelude);
        crc.update(rest, 0, rest.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(rest, rest.length - 4, 4).getInt()) {
            throw new EventStreamException("message checksum mismatch");
        }

        int payloadStart = (int) headersLength;
        var headers = decodeHeaders(ByteBuffer.wrap(rest, 0, payloadStart));
        byte[] payload = Arrays.copyOfRange(rest, payloadStart, rest.length - 4);
        return new EventStreamMessage(headers, payload);
    }

    private static byte[] encodeHeaders(Map<String, HeaderValue> headers) {
        var out = new ByteArrayOutputStream();
        headers.forEach((name, value) -> {
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            if (nameBytes.length == 0 || nameBytes.length > 255) {
                throw new IllegalArgumentException("header name must take 1 to 255 bytes: '" + name + "'");
            }
            out.write(nameBytes.length);
            out.writeBytes(nameBytes);
            out.write(value.typeTag());
            out.writeBytes(encodeValue(value));
        });
        return out.toByteArray();
    }

    private static byte[] encodeValue(HeaderValue value) {
        return switch (value) {
            case HeaderValue.Bool b -> new byte[0];
            case HeaderValue.Int8(byte v) -> new byte[] {v};
            case HeaderValue.Int16(short v) -> ByteBuffer.allocate(2).putShort(v).array();
            case HeaderValue.Int32(int v) -> ByteBuffer.allocate(4).putInt(v).array();
            case HeaderValue.Int64(long v) -> ByteBuffer.allocate(8).putLong(v).array();
            case HeaderValue.Bytes b -> lengthPrefixed(b.value());
            case HeaderValue.Text(String v) -> lengthPrefixed(v.getBytes(StandardCharsets.UTF_8));
            case HeaderValue.Timestamp(Instant v) -> ByteBuffer.allocate(8).putLong(v.toEpochMilli()).array();
            case HeaderValue.Uuid(UUID v) -> ByteBuffer.allocate(16).putLong(v.getMostSignificantBits()).putLong(v.getLeastSignificantBits()).array();
        };
    }

    private static byte[] lengthPrefixed(byte[] bytes) {
        if (bytes.length > MAX_SHORT_LENGTH) throw new IllegalArgumentException("header value of " + bytes.length + " bytes exceeds 65,535");
        return ByteBuffer.allocate(2 + bytes.length).putShort((short) bytes.length).put(bytes).array();
    }

    private static LinkedHashMap<String, HeaderValue> decodeHeaders(ByteBuffer in) throws EventStreamException {
        var headers = new LinkedHashMap<String, HeaderValue>();
        try {
            while (in.hasRemaining()) {
                int nameLength = Byte.toUnsignedInt(in.get());
                if (nameLength == 0) throw new EventStreamException("a header has an empty name");
                String name = utf8(bytes(in, nameLength));
                HeaderValue value = decodeValue(in.get(), in);
                if (headers.putIfAbsent(name, value) != null) throw new EventStreamException("header '" + name + "' appears twice");
            }
        } catch (BufferUnderflowException e) {
            throw new EventStreamException("a header runs past the end of the headers block");
        }
        return headers;
    }

    private static HeaderValue decodeValue(byte tag, ByteBuffer in) throws EventStreamException {
        return switch (tag) {
            case 0 -> new HeaderValue.Bool(true);
            case 1 -> new HeaderValue.Bool(false);
            case 2 -> new HeaderValue.Int8(in.get());
            case 3 -> new HeaderValue.Int16(in.getShort());
            case 4 -> new HeaderValue.Int32(in.getInt());
            case 5 -> new HeaderValue.Int64(in.getLong());
            case 6 -> new HeaderValue.Bytes(bytes(in, Short.toUnsignedInt(in.getShort())));
            case 7 -> new HeaderValue.Text(utf8(bytes(in, Short.toUnsignedInt(in.getShort()))));
            case 8 -> new HeaderValue.Timestamp(Instant.ofEpochMilli(in.getLong()));
            case 9 -> new HeaderValue.Uuid(new UUID(in.getLong(), in.getLong()));
            default -> throw new EventStreamException("unknown header value type " + Byte.toUnsignedInt(tag));
        };
    }

    private static byte[] bytes(ByteBuffer in, int length) {
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static String utf8(byte[] bytes) throws EventStreamException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new EventStreamException("a header holds malformed UTF-8");
        }
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
