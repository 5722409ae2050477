package dev.quarry.aws;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.SequencedMap;

/**
 * One {@code application/vnd.amazon.eventstream} message: typed headers and an opaque payload.
 * Header order is kept as written (the wire gives it no meaning, but tests and logs read better).
 */
public record EventStreamMessage(SequencedMap<String, HeaderValue> headers, byte[] payload) {
    public static final String MESSAGE_TYPE = ":message-type";
    public static final String EVENT_TYPE = ":event-type";
    public static final String EXCEPTION_TYPE = ":exception-type";
    public static final String CONTENT_TYPE = ":content-type";
    /** The two headers of an unmodeled error, a frame with {@code :message-type error}. */
    public static final String ERROR_CODE = ":error-code";
    public static final String ERROR_MESSAGE = ":error-message";

    public EventStreamMessage {
        headers = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(headers));
        payload = payload.clone();
    }

    /** A modeled event ({@code :message-type event}) with a JSON payload. */
    public static EventStreamMessage event(String eventType, byte[] json) {
        return typed("event", EVENT_TYPE, eventType, json);
    }

    /** A modeled exception ({@code :message-type exception}) with a JSON payload such as {@code {"message":…}}. */
    public static EventStreamMessage exception(String exceptionType, byte[] json) {
        return typed("exception", EXCEPTION_TYPE, exceptionType, json);
    }

    private static EventStreamMessage typed(String messageType, String typeHeader, String type, byte[] json) {
        var headers = new LinkedHashMap<String, HeaderValue>();
        headers.put(typeHeader, new HeaderValue.Text(type));
        headers.put(CONTENT_TYPE, new HeaderValue.Text("application/json"));
        headers.put(MESSAGE_TYPE, new HeaderValue.Text(messageType));
        return new EventStreamMessage(headers, json);
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload read as UTF-8, for JSON payloads. */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** A string header's value, empty when the header is absent or not a string. */
    public Optional<String> text(String header) {
        return headers.get(header) instanceof HeaderValue.Text(String value) ? Optional.of(value) : Optional.empty();
    }

    /** {@code event}, {@code exception} or {@code error}; empty when the sender left it out. */
    public Optional<String> messageType() {
        return text(MESSAGE_TYPE);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EventStreamMessage m && headers.equals(m.headers) && Arrays.equals(payload, m.payload);
    }

    @Override
    public int hashCode() {
        return 31 * headers.hashCode() + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "EventStreamMessage[headers=" + headers + ", payload=" + payload.length + " bytes]";
    }
}
