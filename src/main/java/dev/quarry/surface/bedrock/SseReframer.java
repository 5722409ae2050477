package dev.quarry.surface.bedrock;

import java.nio.charset.StandardCharsets;

/**
 * Lets a Server-Sent-Events encoder of another surface (Anthropic, OpenAI) write an InvokeModel
 * stream: takes the SSE bytes it writes and, each time it flushes (which {@link
 * dev.quarry.surface.SseWriter} does after every event), hands each complete event on.
 */
final class SseReframer extends Reframer {
    /** Receives one SSE event: its {@code event:} name (empty when it has none) and its {@code data:} line. */
    @FunctionalInterface
    interface Listener {
        void on(String type, String data);
    }

    private final Listener listener;

    SseReframer(Listener listener) {
        this.listener = listener;
    }

    @Override
    protected byte[] frames(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end;
        while ((end = text.indexOf("\n\n")) >= 0) {
            send(text.substring(0, end));
            text = text.substring(end + 2);
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** One event, with the single data line {@link dev.quarry.surface.SseWriter} writes. */
    private void send(String event) {
        String type = "";
        String data = "";
        for (String line : event.split("\n")) {
            if (line.startsWith("event: ")) type = line.substring(7);
            else if (line.startsWith("data: ")) data = line.substring(6);
        }
        listener.on(type, data);
    }
}
