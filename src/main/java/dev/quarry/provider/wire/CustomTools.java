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
     * call. The call's JSON arguments are held until its block closes, then sent as one input delta
     * holding the {@value #ARGUMENT} string, since the raw text cannot be read out of half a JSON document.
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
        /** The arguments of each open custom call so far, by block index. */
        private final Map<Integer, StringBuilder> held = new HashMap<>();
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
                        held.put(index, new StringBuilder(u.input()));
                        ready.add(new StreamEvent.BlockStart(index, new ContentBlock.ToolUse(u.id(), u.name(), "", ToolKind.CUSTOM)));
                    }
                    case StreamEvent.ToolInputDelta(int index, String fragment) when held.containsKey(index) -> held.get(index).append(fragment);
                    case StreamEvent.BlockStop(int index) when held.containsKey(index) -> {
                        String input = rawInput(held.remove(index).toString());
                        if (!input.isEmpty()) ready.add(new StreamEvent.ToolInputDelta(index, input));
                        ready.add(event);
                    }
                    default -> ready.add(event);
                }
            }
            return ready.poll();
        }

        @Override
        protected void release() {
            upstream.close();
        }
    }
}
