package dev.quarry.provider.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.PullingEventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.ToolSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Free-form (custom) tools for upstream APIs that only have JSON tools (Anthropic Messages, Bedrock
 * Converse, Gemini, OpenAI Chat Completions). A custom tool goes upstream as a function tool with one
 * string parameter, {@value #ARGUMENT}, whose description tells the model the tool's input format;
 * the model's calls of that function come back to the client as custom tool calls carrying the
 * string's value as their raw input. Earlier custom calls in the conversation go upstream as calls of
 * the function, so the model sees its own calls in the shape it was offered; tool results need no
 * change, they name the call by id.
 *
 * <p>An encoder calls {@link #asFunctions} before it writes the request; its provider wraps the
 * decoded stream in {@link #restore} with the request as the client sent it.
 */
public final class CustomTools {
    /** The one parameter a custom tool has as a function. */
    public static final String ARGUMENT = "input";
    /**
     * The most of a format definition (a grammar) copied into the function's description. Codex's
     * apply_patch grammar is about 2 KiB; a grammar far larger would crowd the prompt and can exceed
     * an upstream's description limit, so it is cut here, and the description says that it was.
     */
    public static final int MAX_FORMAT_CHARS = 16 * 1024;

    private CustomTools() {}

    /** The request with every custom tool, and every earlier call of one, turned into its function form. */
    public static ChatRequest asFunctions(ChatRequest request) {
        Set<String> custom = customNames(request);
        boolean customCalls = request.messages().stream().flatMap(m -> m.content().stream())
                .anyMatch(b -> b instanceof ContentBlock.ToolUse u && u.kind() == ToolKind.CUSTOM);
        if (custom.isEmpty() && !customCalls) return request;
        List<ToolSpec> tools = new ArrayList<>();
        for (ToolSpec tool : request.tools()) {
            if (tool.kind() == ToolKind.FUNCTION && custom.contains(tool.name())) {
                // The upstream's call could not be told apart: it names only the function.
                throw QuarryException.invalid("tools", "Tool '" + tool.name() + "' is defined twice, as a function tool and as "
                        + "a custom tool; tool names must be unique.");
            }
            tools.add(tool.kind() == ToolKind.CUSTOM ? function(tool) : tool);
        }
        List<Message> messages = new ArrayList<>();
        for (Message message : request.messages()) {
            List<ContentBlock> content = new ArrayList<>();
            for (ContentBlock block : message.content()) {
                content.add(block instanceof ContentBlock.ToolUse u && u.kind() == ToolKind.CUSTOM
                        ? new ContentBlock.ToolUse(u.id(), u.name(), Json.object().put(ARGUMENT, u.input()).toString(), ToolKind.FUNCTION)
                        : block);
            }
            messages.add(new Message(message.role(), content));
        }
        return new ChatRequest(request.model(), request.system(), messages, tools, request.toolChoice(), request.config(), request.extensions());
    }

    /**
     * The upstream's stream with each call of a custom tool's function turned back into a custom tool
     * call. The arguments usually open with {@code {"input":"}, and then the string is decoded as its
     * fragments arrive, so the client sees the input stream as the model writes it; arguments of any
     * other shape are held until the call's block closes and then read whole (see {@link #rawInput}).
     */
    public static EventStream restore(EventStream upstream, ChatRequest request) {
        Set<String> custom = customNames(request);
        return custom.isEmpty() ? upstream : new Restoring(upstream, custom);
    }

    /**
     * The raw input of a custom call that came back as function arguments: the {@value #ARGUMENT}
     * string. Arguments of any other shape are passed on as they came, so the client sees what the
     * model wrote instead of a failed turn.
     */
    public static String rawInput(String arguments) {
        return Json.parse(arguments)
                .filter(JsonNode::isObject)
                .map(args -> args.get(ARGUMENT))
                .filter(JsonNode::isTextual)
                .map(JsonNode::asText)
                .orElse(arguments);
    }

    static ToolSpec function(ToolSpec tool) {
        ObjectNode input = Json.object().put("type", "string").put("description", "The whole input of the tool, as raw text in the format "
                + "the tool's description gives, not JSON.");
        ObjectNode schema = Json.object().put("type", "object");
        schema.putObject("properties").set(ARGUMENT, input);
        schema.putArray("required").add(ARGUMENT);
        return ToolSpec.function(tool.name(), description(tool), schema.toString());
    }

    static String description(ToolSpec tool) {
        StringBuilder out = new StringBuilder();
        if (tool.description() != null && !tool.description().isBlank()) out.append(tool.description().strip()).append("\n\n");
        out.append("Pass the tool's whole input as the string argument '").append(ARGUMENT).append("'");
        JsonNode format = ToolSchemas.format(tool);
        String type = format == null ? "text" : Json.textOrEmpty(format, "type");
        if (type.equals("text")) return out.append(", as free-form text.").toString();
        String definition;
        if (type.equals("grammar") && format.path("definition").isTextual()) {
            out.append("; it must match this ").append(Json.textOrEmpty(format, "syntax").isEmpty() ? "" : Json.textOrEmpty(format, "syntax") + " ")
                    .append("grammar:\n");
            definition = format.path("definition").asText();
        } else {
            out.append("; it must follow this format:\n");
            definition = format.toString();
        }
        if (definition.length() <= MAX_FORMAT_CHARS) return out.append(definition).toString();
        return out.append(definition, 0, MAX_FORMAT_CHARS).append("\n[the rest of the definition, ").append(definition.length() - MAX_FORMAT_CHARS)
                .append(" more characters, is left out]").toString();
    }

    private static Set<String> customNames(ChatRequest request) {
        Set<String> names = new HashSet<>();
        for (ToolSpec tool : request.tools()) if (tool.kind() == ToolKind.CUSTOM) names.add(tool.name());
        return names;
    }

    private static final class Restoring extends PullingEventStream {
        private final EventStream upstream;
        private final Set<String> custom;
        /** The decoder of each open custom call, by block index. */
        private final Map<Integer, InputDecoder> open = new HashMap<>();
        private final Deque<StreamEvent> ready = new ArrayDeque<>();

        Restoring(EventStream upstream, Set<String> custom) {
            this.upstream = upstream;
            this.custom = custom;
        }

        @Override
        protected StreamEvent produce() {
            while (ready.isEmpty()) {
                if (!upstream.hasNext()) return null;
                StreamEvent event = upstream.next();
                switch (event) {
                    case StreamEvent.BlockStart(int index, ContentBlock.ToolUse u) when u.kind() == ToolKind.FUNCTION && custom.contains(u.name()) -> {
                        InputDecoder decoder = new InputDecoder();
                        open.put(index, decoder);
                        ready.add(new StreamEvent.BlockStart(index, new ContentBlock.ToolUse(u.id(), u.name(), "", ToolKind.CUSTOM)));
                        emit(index, decoder.feed(u.input()));
                    }
                    case StreamEvent.ToolInputDelta(int index, String fragment) when open.containsKey(index) -> emit(index, open.get(index).feed(fragment));
                    case StreamEvent.BlockStop(int index) when open.containsKey(index) -> {
                        emit(index, open.remove(index).finish());
                        ready.add(event);
                    }
                    default -> ready.add(event);
                }
            }
            return ready.poll();
        }

        private void emit(int index, String text) {
            if (!text.isEmpty()) ready.add(new StreamEvent.ToolInputDelta(index, text));
        }

        @Override
        protected void release() {
            upstream.close();
        }
    }

    /**
     * Reads the {@value #ARGUMENT} string out of a call's JSON arguments fragment by fragment. While the
     * arguments match {@code {"input":"} (with any whitespace) it waits; inside the string it hands out
     * each fragment's decoded characters, holding back an escape cut in two and a high surrogate
     * whose low half is still to come (half a character cannot be sent as UTF-8). Arguments that open
     * any other way are kept whole and read at the end.
     */
    static final class InputDecoder {
        private static final String OPENING = "{\"" + ARGUMENT + "\":\"";
        private enum State { OPENING, STRING, AFTER, WHOLE }

        private final StringBuilder all = new StringBuilder();
        private State state = State.OPENING;
        private int matched;
        /** An escape sequence begun and not yet complete: "\\", "\\u", "\\u00"... */
        private final StringBuilder escape = new StringBuilder();
        /** A high surrogate waiting for its low half, or 0. */
        private char high;

        /** The input characters this fragment completes. */
        String feed(String fragment) {
            all.append(fragment);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < fragment.length(); i++) {
                char c = fragment.charAt(i);
                switch (state) {
                    case OPENING -> {
                        // JSON allows whitespace around the brace, the colon and the key.
                        if (Character.isWhitespace(c) && (matched <= 1 || matched >= OPENING.length() - 2)) continue;
                        if (c != OPENING.charAt(matched)) state = State.WHOLE;
                        else if (++matched == OPENING.length()) state = State.STRING;
                    }
                    case STRING -> string(c, out);
                    case AFTER, WHOLE -> { }
                }
            }
            return out.toString();
        }

        /** What is left when the call's block closes: for arguments of another shape, the whole input. */
        String finish() {
            return switch (state) {
                case OPENING, WHOLE -> rawInput(all.toString());
                // A string the upstream never closed: what was decoded is all there is.
                case STRING -> escape + (high == 0 ? "" : String.valueOf(high));
                case AFTER -> "";
            };
        }

        private void string(char c, StringBuilder out) {
            if (escape.isEmpty()) {
                if (c == '\\') {
                    escape.append(c);
                } else if (c == '"') {
                    if (high != 0) out.append(high);
                    high = 0;
                    state = State.AFTER;
                } else {
                    put(c, out);
                }
                return;
            }
            escape.append(c);
            if (escape.length() == 2 && c != 'u') {
                put(switch (c) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    default -> c; // \" \\ \/
                }, out);
                escape.setLength(0);
            } else if (escape.length() == 6) {
                String hex = escape.substring(2);
                escape.setLength(0);
                if (hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                    put((char) Integer.parseInt(hex, 16), out);
                } else {
                    // Not JSON; the model's characters are passed on as written rather than failing the turn.
                    ("\\u" + hex).chars().forEach(x -> put((char) x, out));
                }
            }
        }

        private void put(char c, StringBuilder out) {
            if (high != 0) out.append(high);
            high = 0;
            if (Character.isHighSurrogate(c)) high = c;
            else out.append(c);
        }
    }
}
