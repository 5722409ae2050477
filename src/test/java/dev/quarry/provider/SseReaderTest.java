package dev.quarry.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SseReaderTest {
    /** How the body arrives: whole, or one byte per read, so that every line, line end and character spans reads. */
    enum Delivery {
        WHOLE, BYTE_BY_BYTE;

        InputStream of(byte[] body) {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return switch (this) {
                case WHOLE -> in;
                case BYTE_BY_BYTE -> new InputStream() {
                    @Override
                    public int read() {
                        return in.read();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        return in.read(b, off, Math.min(len, 1));
                    }
                };
            };
        }
    }

    private static List<SseReader.Event> read(Delivery delivery, String body) throws IOException {
        return read(delivery, body.getBytes(StandardCharsets.UTF_8));
    }

    private static List<SseReader.Event> read(Delivery delivery, byte[] body) throws IOException {
        List<SseReader.Event> events = new ArrayList<>();
        try (SseReader reader = new SseReader(delivery.of(body))) {
            for (SseReader.Event e = reader.next(); e != null; e = reader.next()) events.add(e);
        }
        return events;
    }

    private static SseReader.Event message(String data) {
        return new SseReader.Event("message", data);
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void eventsEndAtABlankLineWhateverTheLineEnds(Delivery delivery) throws IOException {
        assertThat(read(delivery, "data: lf\n\ndata: crlf\r\n\r\ndata: cr\r\rdata: mixed\r\n\n"))
                .containsExactly(message("lf"), message("crlf"), message("cr"), message("mixed"));
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void dataLinesAreJoinedByNewlinesAndEventNamesKept(Delivery delivery) throws IOException {
        assertThat(read(delivery, "event: delta\ndata: one\ndata:two\r\ndata:  three\n\ndata: next\n\n"))
                .containsExactly(new SseReader.Event("delta", "one\ntwo\n three"), message("next"));
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void commentsUnknownFieldsAndBlankLinesWithoutDataAreSkipped(Delivery delivery) throws IOException {
        assertThat(read(delivery, ": keep-alive\n\nid: 7\nretry: 10\nevent: ping\n\nfoo\ndata\n\n"))
                .containsExactly(message(""));
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aLeadingByteOrderMarkIsSkipped(Delivery delivery) throws IOException {
        assertThat(read(delivery, "\uFEFFdata: first\n\n")).containsExactly(message("first"));
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void theLastEventNeedsNoBlankLine(Delivery delivery) throws IOException {
        assertThat(read(delivery, "data: a\n\ndata: last")).containsExactly(message("a"), message("last"));
        assertThat(read(delivery, "data: a\n\n: trailing comment\n")).containsExactly(message("a"));
        assertThat(read(delivery, "")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void multiByteCharactersAndEventsLongerThanTheBufferArriveWhole(Delivery delivery) throws IOException {
        String text = "héllo wörld ✓ 🙂 ".repeat(400);

        assertThat(read(delivery, "event: long\ndata: " + text + "\r\n\r\ndata: é\n\n"))
                .containsExactly(new SseReader.Event("long", text), message("é"));
    }
}
