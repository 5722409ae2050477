package dev.quarry.surface.bedrock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.aws.EventStreamCodec;
import dev.quarry.aws.EventStreamMessage;
import dev.quarry.canonical.EventStream;
import dev.quarry.surface.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Runs a family's stream into memory and reads back what a client would: the frames, and the JSON inside each chunk. */
final class InvokeFrames {
    static final String MODEL = "quarry/echo";

    private InvokeFrames() {}

    /** The family's stream of {@code events}, with 10 estimated input tokens and a call that always took 7 ms. */
    static List<EventStreamMessage> stream(InvokeFamily family, EventStream events) {
        var out = new ByteArrayOutputStream();
        family.stream(events, out, "req_01", MODEL, 10, () -> 7);
        var in = new ByteArrayInputStream(out.toByteArray());
        List<EventStreamMessage> frames = new ArrayList<>();
        try {
            for (EventStreamMessage frame; (frame = EventStreamCodec.read(in)) != null; ) frames.add(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return frames;
    }

    /** The decoded JSON of every frame, which must all be chunks. */
    static List<ObjectNode> chunks(List<EventStreamMessage> frames) {
        return frames.stream().map(InvokeFrames::chunk).toList();
    }

    static ObjectNode chunk(EventStreamMessage frame) {
        if (!frame.text(EventStreamMessage.EVENT_TYPE).orElse("").equals("chunk")) throw new AssertionError("not a chunk: " + frame);
        return Json.parseObject(Base64.getDecoder().decode(Json.parseObject(frame.payload()).path("bytes").asText()));
    }

    static ObjectNode body(String json) {
        return Json.parseObject(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
