package dev.quarry.provider.openai.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.provider.wire.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link ChatCompletionsStreamDecoder} reads of a {@code chat.completion.chunk}, or of a whole
 * {@code chat.completion}, read in one pass of a streaming parser: a streamed answer is a chunk per
 * token or two, and a tree per chunk cost more than the rest of its decoding. Fields it does not
 * know are skipped; a known field of an unexpected type reads as absent, as it did from a tree.
 * Only the first choice is read: Quarry never asks for more than one.
 */
final class ChatChunk {
    /** One tool call's piece: in a chunk, its first carries the id and name and the rest pieces of the arguments. */
    record ToolCall(int index, String id, String name, String arguments) {}

    String id;
    String model;
    /** The {@code error} member, when present and not null. */
    JsonNode error;
    /** The {@code usage} object, when present. */
    JsonNode usage;
    /** Whether {@code choices} held a choice; the rest describe the first. */
    boolean hasChoice;
    String content;
    String reasoningContent;
    String reasoning;
    final List<ToolCall> toolCalls = new ArrayList<>(0);
    String finishReason;
    /** vLLM names the stop sequence that ended the answer in {@code stop_reason}. */
    boolean stopSequenceNamed;

    private ChatChunk() {}

    /** @return the chunk, or {@code null} when the text is not a single JSON object */
    static ChatChunk parse(String json) {
        try (JsonParser parser = Json.MAPPER.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) return null;
            ChatChunk chunk = new ChatChunk();
            chunk.readRoot(parser);
            return parser.nextToken() == null ? chunk : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void readRoot(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "id" -> id = text(p);
                case "model" -> model = text(p);
                case "error" -> error = value == JsonToken.VALUE_NULL ? null : p.readValueAsTree();
                case "usage" -> usage = value == JsonToken.START_OBJECT ? p.readValueAsTree() : skip(p);
                case "choices" -> readChoices(p);
                default -> p.skipChildren();
            }
        }
    }

    private void readChoices(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (!hasChoice && p.currentToken() == JsonToken.START_OBJECT) {
                hasChoice = true;
                readChoice(p);
            } else {
                p.skipChildren();
            }
        }
    }

    private void readChoice(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                // a chunk's delta, or a whole answer's message: the same fields
                case "delta", "message" -> {
                    if (value == JsonToken.START_OBJECT) readMessage(p);
                    else p.skipChildren();
                }
                case "finish_reason" -> finishReason = text(p);
                case "stop_reason" -> stopSequenceNamed = value == JsonToken.VALUE_STRING;
                default -> p.skipChildren();
            }
        }
    }

    private void readMessage(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "content" -> content = text(p);
                case "reasoning_content" -> reasoningContent = text(p);
                case "reasoning" -> reasoning = text(p);
                case "tool_calls" -> readToolCalls(p);
                default -> p.skipChildren();
            }
        }
    }

    /** A chunk's calls carry their index; a whole message's are numbered by their place in it. */
    private void readToolCalls(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        for (int place = 0; p.nextToken() != JsonToken.END_ARRAY; place++) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            toolCalls.add(readToolCall(p, place));
        }
    }

    private static ToolCall readToolCall(JsonParser p, int place) throws IOException {
        int index = place;
        String id = null;
        Function function = Function.NONE;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "index" -> index = value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : place;
                case "id" -> id = text(p);
                case "function" -> function = readFunction(p);
                default -> p.skipChildren();
            }
        }
        return new ToolCall(index, id, function.name(), function.arguments());
    }

    private record Function(String name, String arguments) {
        static final Function NONE = new Function(null, null);
    }

    private static Function readFunction(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return Function.NONE;
        }
        String name = null;
        String arguments = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "name" -> name = text(p);
                case "arguments" -> arguments = text(p);
                default -> p.skipChildren();
            }
        }
        return new Function(name, arguments);
    }

    /** The current value if it is a string, else {@code null} (its children skipped). */
    private static String text(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) return p.getText();
        p.skipChildren();
        return null;
    }

    private static JsonNode skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }
}
