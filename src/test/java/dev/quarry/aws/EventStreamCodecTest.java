package dev.quarry.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class EventStreamCodecTest {

    @Test
    void anEmptyMessageIsTheSixteenByteFrameOfTheSpecification() throws IOException {
        // Lengths 16 and 0, then CRC32 of those 8 bytes, then CRC32 of the 12 bytes before it.
        byte[] frame = HexFormat.of().parseHex("000000100000000005c248eb7d98c8ff");
        var empty = new EventStreamMessage(new LinkedHashMap<>(), new byte[0]);

        assertThat(EventStreamCodec.encode(empty)).isEqualTo(frame);
        assertThat(EventStreamCodec.read(new ByteArrayInputStream(frame))).isEqualTo(empty);
    }

    @Test
    void everyHeaderTypeRoundTrips() throws IOException {
        var message = new EventStreamMessage(allHeaderTypes(), "{\"x\":1}".getBytes(StandardCharsets.UTF_8));

        assertThat(EventStreamCodec.read(new ByteArrayInputStream(EventStreamCodec.encode(message)))).isEqualTo(message);
    }

    @Test
    void theAwsSdkReadsOurFramesAndWeReadItsFrames() throws IOException {
        var ours = EventStreamMessage.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}".getBytes(StandardCharsets.UTF_8));
        var decodedByAws = software.amazon.eventstream.Message.decode(ByteBuffer.wrap(EventStreamCodec.encode(ours)));
        assertThat(decodedByAws.getHeaders().get(":event-type").getString()).isEqualTo("contentBlockDelta");
        assertThat(decodedByAws.getHeaders().get(":message-type").getString()).isEqualTo("event");
        assertThat(decodedByAws.getPayload()).isEqualTo(ours.payload());

        var awsHeaders = new LinkedHashMap<String, software.amazon.eventstream.HeaderValue>();
        awsHeaders.put("flag", software.amazon.eventstream.HeaderValue.fromBoolean(false));
        awsHeaders.put("count", software.amazon.eventstream.HeaderValue.fromLong(-7));
        awsHeaders.put("when", software.amazon.eventstream.HeaderValue.fromTimestamp(Instant.ofEpochMilli(1_700_000_000_123L)));
        awsHeaders.put("id", software.amazon.eventstream.HeaderValue.fromUuid(new UUID(1, 2)));
        awsHeaders.put("name", software.amazon.eventstream.HeaderValue.fromString("ሴ ok"));
        ByteBuffer awsFrame = new software.amazon.eventstream.Message(awsHeaders, new byte[] {1, 2, 3}).toByteBuffer();
        byte[] bytes = new byte[awsFrame.remaining()];
        awsFrame.get(bytes);

        EventStreamMessage read = EventStreamCodec.read(new ByteArrayInputStream(bytes));
        assertThat(read.headers()).containsExactly(
                Map.entry("flag", new HeaderValue.Bool(false)),
                Map.entry("count", new HeaderValue.Int64(-7)),
                Map.entry("when", new HeaderValue.Timestamp(Instant.ofEpochMilli(1_700_000_000_123L))),
                Map.entry("id", new HeaderValue.Uuid(new UUID(1, 2))),
                Map.entry("name", new HeaderValue.Text("ሴ ok")));
        assertThat(read.payload()).containsExactly(1, 2, 3);
    }

    @Test
    void framesAreReadOneAtATimeAndACleanEndIsNull() throws IOException {
        var first = EventStreamMessage.event("messageStart", "{\"role\":\"assistant\"}".getBytes(StandardCharsets.UTF_8));
        var second = EventStreamMessage.exception("throttlingException", "{\"message\":\"slow down\"}".getBytes(StandardCharsets.UTF_8));
        var out = new ByteArrayOutputStream();
        EventStreamCodec.write(first, out);
        EventStreamCodec.write(second, out);
        InputStream in = new ByteArrayInputStream(out.toByteArray());

        assertThat(EventStreamCodec.read(in)).isEqualTo(first);
        EventStreamMessage exception = EventStreamCodec.read(in);
        assertThat(exception.messageType()).contains("exception");
        assertThat(exception.text(EventStreamMessage.EXCEPTION_TYPE)).contains("throttlingException");
        assertThat(EventStreamCodec.read(in)).isNull();
    }

    @Property
    void anyMessageRoundTrips(@ForAll("messages") EventStreamMessage message) throws IOException {
        byte[] frame = EventStreamCodec.encode(message);

        assertThat(EventStreamCodec.read(new ByteArrayInputStream(frame))).isEqualTo(message);
    }

    @Test
    void aCorruptPreludeIsRefusedBeforeItsLengthsAreTrusted() {
        byte[] frame = sampleFrame();
        frame[1] = 0x7F; // total length now claims ~2 GB; only the prelude CRC can tell

        assertThatThrownBy(() -> EventStreamCodec.read(new ByteArrayInputStream(frame)))
                .isInstanceOf(EventStreamException.class).hasMessage("prelude checksum mismatch");
    }

    @Test
    void aCorruptPayloadIsRefused() {
        byte[] frame = sampleFrame();
        frame[frame.length - 6] ^= 1;

        assertThatThrownBy(() -> EventStreamCodec.read(new ByteArrayInputStream(frame)))
                .isInstanceOf(EventStreamException.class).hasMessage("message checksum mismatch");
    }

    @Test
    void aFrameCutShortIsRefusedWhereverItIsCut() {
        byte[] frame = sampleFrame();
        for (int cut : new int[] {1, 11, 12, 20, frame.length - 1}) {
            byte[] truncated = Arrays.copyOf(frame, cut);
            assertThatThrownBy(() -> EventStreamCodec.read(new ByteArrayInputStream(truncated)))
                    .as("cut at %d", cut)
                    .isInstanceOf(EventStreamException.class).hasMessageContaining("the stream ended inside");
        }
    }

    @Test
    void anOversizedFrameIsRefusedBeforeAnythingIsAllocatedOrAwaited() {
        // A valid prelude announcing a 100 MB payload, and nothing after it: a decoder that
        // trusted the length would allocate 100 MB and then report truncation.
        byte[] prelude = prelude(100 * 1024 * 1024, 0);

        assertThatThrownBy(() -> EventStreamCodec.read(new ByteArrayInputStream(prelude)))
                .isInstanceOf(EventStreamException.class).hasMessageContaining("exceeds the 24 MiB limit");
    }

    @Test
    void headersLongerThanTheFrameAreRefused() {
        byte[] prelude = prelude(32, 30);

        assertThatThrownBy(() -> EventStreamCodec.read(new ByteArrayInputStream(prelude)))
                .isInstanceOf(EventStreamException.class).hasMessageContaining("inconsistent");
    }

    @Test
    void anUnknownHeaderTypeIsRefused() {
        byte[] headers = {1, 'x', 42};
        assertThatThrownBy(() -> EventStreamCodec.read(new ByteArrayInputStream(frameWithRawHeaders(headers))))
                .isInstanceOf(EventStreamException.class).hasMessage("unknown header value type 42");
    }

    @Test
    void aHeaderRunningPastItsBlockIsRefused() {
        byte[] headers = {1, 'x', 7, 0, 9, 'a'}; // string claims 9 bytes, has 1
        assertThatThrownBy(() -> EventStreamCodec.read(new ByteArrayInputStream(frameWithRawHeaders(headers))))
                .isInstanceOf(EventStreamException.class).hasMessageContaining("past the end");
    }

    @Test
    void headersThatCannotBeWrittenAreRefusedWhenEncoding() {
        var longName = new LinkedHashMap<String, HeaderValue>();
        longName.put("n".repeat(256), new HeaderValue.Bool(true));

        assertThatThrownBy(() -> EventStreamCodec.encode(new EventStreamMessage(longName, new byte[0])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 255 bytes");
    }

    @Provide
    Arbitrary<EventStreamMessage> messages() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars(':', '-').ofMinLength(1).ofMaxLength(40);
        Arbitrary<Map<String, HeaderValue>> headers = Arbitraries.maps(names, headerValues()).ofMaxSize(8);
        Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
        return Combinators.combine(headers, payloads).as((h, p) -> new EventStreamMessage(new LinkedHashMap<>(h), p));
    }

    private static Arbitrary<HeaderValue> headerValues() {
        return Arbitraries.oneOf(
                Arbitraries.of(true, false).map(HeaderValue.Bool::new),
                Arbitraries.bytes().map(HeaderValue.Int8::new),
                Arbitraries.shorts().map(HeaderValue.Int16::new),
                Arbitraries.integers().map(HeaderValue.Int32::new),
                Arbitraries.longs().map(HeaderValue.Int64::new),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(HeaderValue.Bytes::new),
                Arbitraries.strings().withCharRange(' ', '\uD7FF').ofMaxLength(300).map(HeaderValue.Text::new),
                Arbitraries.longs().between(-8_000_000_000_000L, 8_000_000_000_000L).map(ms -> new HeaderValue.Timestamp(Instant.ofEpochMilli(ms))),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as((a, b) -> new HeaderValue.Uuid(new UUID(a, b))));
    }

    private static LinkedHashMap<String, HeaderValue> allHeaderTypes() {
        var headers = new LinkedHashMap<String, HeaderValue>();
        headers.put("true", new HeaderValue.Bool(true));
        headers.put("false", new HeaderValue.Bool(false));
        headers.put("byte", new HeaderValue.Int8((byte) -1));
        headers.put("short", new HeaderValue.Int16((short) 300));
        headers.put("int", new HeaderValue.Int32(-70_000));
        headers.put("long", new HeaderValue.Int64(Long.MIN_VALUE));
        headers.put("bytes", new HeaderValue.Bytes(new byte[] {0, (byte) 0xFF}));
        headers.put(":event-type", new HeaderValue.Text("chunk"));
        headers.put("time", new HeaderValue.Timestamp(Instant.parse("2025-04-02T10:00:00.123Z")));
        headers.put("uuid", new HeaderValue.Uuid(UUID.fromString("123e4567-e89b-12d3-a456-426614174000")));
        return headers;
    }

    private static byte[] sampleFrame() {
        return EventStreamCodec.encode(EventStreamMessage.event("chunk", "{\"bytes\":\"eyJ0eXBlIjoicGluZyJ9\"}".getBytes(StandardCharsets.UTF_8)));
    }

    /** A prelude with a correct CRC for the given lengths. */
    private static byte[] prelude(int total, int headersLength) {
        var crc = new CRC32();
        byte[] lengths = ByteBuffer.allocate(8).putInt(total).putInt(headersLength).array();
        crc.update(lengths);
        return ByteBuffer.allocate(12).put(lengths).putInt((int) crc.getValue()).array();
    }

    /** A frame with correct lengths and CRCs around hand-written header bytes and no payload. */
    private static byte[] frameWithRawHeaders(byte[] headers) {
        int total = 16 + headers.length;
        ByteBuffer frame = ByteBuffer.allocate(total).put(prelude(total, headers.length)).put(headers);
        var crc = new CRC32();
        crc.update(frame.array(), 0, total - 4);
        return frame.putInt((int) crc.getValue()).array();
    }
}
