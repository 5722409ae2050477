package dev.quarry.guardrails;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.EmbeddingRequest;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolSpec;
import dev.quarry.guardrails.GuardedText.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every text of a chat request that can leave for a provider, found by one walk over the
 * canonical request; the same walk rebuilds the request with the rewritable ones replaced
 * (anonymised). What is read, and how ({@link Kind}):
 * <ul>
 * <li>the conversation: system blocks, message text, tool results, the input of earlier tool
 *     calls (as the surfaces rewrote it: the JSON providers are sent, with no escapes), all
 *     {@link Kind#CONVERSATION}. The prompt-attack filter reads what arrives in user
 *     turns, typed text and tool results alike (a tool result is where an injected document comes
 *     in); the system prompt is the application's own, and Bedrock likewise filters attacks in user
 *     input only;
 * <li>free text beside it, anonymised in place ({@link Kind#FREE_TEXT}): tool descriptions,
 *     unsigned reasoning, and request fields that are a plain string (the OpenAI {@code user});
 * <li>values that do something, which a placeholder would break, so a find in them blocks
 *     ({@link Kind#FIXED}): tool names and ids, the named tool choice, the strings of a tool result that is a JSON object which it writes with escapes
 *     (decoded, as a provider that parses the result reads them), stop sequences, image URLs (their queries included), reasoning a provider signed and
 *     its signature (or the redacted or encrypted reasoning that travels as one);
 * <li>structured values as the JSON a provider is sent, which a find in also blocks, and whose
 *     string values the denied-topic filter reads ({@link Kind#JSON}): tool input schemas and
 *     formats (their descriptions, enums, defaults and examples), and structured request fields
 *     ({@code response_format}, {@code text}, {@code metadata}, {@code requestMetadata}…).
 * </ul>
 * Not read: inline images ({@code data:} URLs), whose media type and base64 data the surfaces
 * checked as they decoded them ({@link dev.quarry.canonical.DataUrl}), and binary documents (PDF,
 * Office), checked likewise ({@link dev.quarry.canonical.Documents}); text documents are read as
 * conversation, and their names as fixed values.
 * Paths name the canonical request's parts, the same whichever surface the request came in by.
 */
public final class RequestTexts {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the walk does with each text it meets; for a rewritable text, returns what the request should hold instead. */
    @FunctionalInterface
    private interface Visit {
        String text(String path, String text, Kind kind, boolean userWritten);
    }

    private RequestTexts() {}

    public static List<GuardedText> of(ChatRequest request) {
        List<GuardedText> texts = new ArrayList<>();
        new Walk((path, text, kind, user) -> {
            texts.add(new GuardedText(path, text, kind, user));
            return text;
        }).request(request);
        return texts;
    }

    /**
     * The texts of an embeddings request: they leave for a provider as a prompt does, and are read
     * as one conversation, so a value split across two inputs is still seen. They are no
     * instructions to a model, so the prompt-attack filter does not read them.
     */
    public static List<GuardedText> of(EmbeddingRequest request) {
        List<GuardedText> texts = new ArrayList<>(request.inputs().size());
        for (int i = 0; i < request.inputs().size(); i++) {
            texts.add(new GuardedText("input[" + i + "]", request.inputs().get(i), Kind.CONVERSATION, false));
        }
        return texts;
    }

    /** The embeddings request with its inputs replaced by {@code replacements}, in the order of {@link #of(EmbeddingRequest)}. */
    public static EmbeddingRequest replace(EmbeddingRequest request, List<String> replacements) {
        return new EmbeddingRequest(request.model(), replacements, request.dimensions());
    }

    /**
     * The request with its texts, in the order of {@link #of}, replaced by {@code replacements};
     * {@link Kind#FIXED} and {@link Kind#JSON} texts are kept as they are, whatever their replacement says.
     */
    public static ChatRequest replace(ChatRequest request, List<String> replacements) {
        Iterator<String> next = replacements.iterator();
        return new Walk((path, text, kind, user) -> next.next()).request(request);
    }

    private record Walk(Visit visit) {
        ChatRequest request(ChatRequest r) {
            List<ContentBlock> system = blocks(r.system(), "system", false);
            List<Message> messages = new ArrayList<>(r.messages().size());
            for (int i = 0; i < r.messages().size(); i++) {
                Message m = r.messages().get(i);
                messages.add(new Message(m.role(), blocks(m.content(), "messages[" + i + "].content", m.role() == Role.USER)));
            }
            List<ToolSpec> tools = new ArrayList<>(r.tools().size());
            for (int i = 0; i < r.tools().size(); i++) tools.add(tool(r.tools().get(i), "tools[" + i + "]"));
            ToolChoice choice = r.toolChoice();
            if (choice instanceof ToolChoice.Named named) fixed("tool_choice.name", named.name());
            List<String> stops = r.config().stopSequences();
            for (int i = 0; i < stops.size(); i++) fixed("stop_sequences[" + i + "]", stops.get(i));
            InferenceConfig config = r.config();
            return new ChatRequest(r.model(), system, messages, tools, choice, config, extensions(r.extensions()));
        }

        private List<ContentBlock> blocks(List<ContentBlock> blocks, String path, boolean user) {
            List<ContentBlock> out = new ArrayList<>(blocks.size());
            for (int i = 0; i < blocks.size(); i++) {
                String at = path + "[" + i + "]";
                out.add(switch (blocks.get(i)) {
                    case ContentBlock.Text t -> new ContentBlock.Text(visit.text(at, t.text(), Kind.CONVERSATION, user));
                    case ContentBlock.ToolResult r -> {
                        fixed(at + ".tool_use_id", r.toolUseId());
                        // A provider may send a result that is a JSON object as one, its escapes decoded; a placeholder cannot reach those.
                        for (String decoded : JsonStrings.escaped(r.text())) fixed(at + ".content.decoded", decoded);
                        yield new ContentBlock.ToolResult(r.toolUseId(), blocks(r.content(), at + ".content", user), r.error());
                    }
                    case ContentBlock.ToolUse u -> {
                        fixed(at + ".id", u.id());
                        fixed(at + ".name", u.name());
                        // Placeholders hold no quote or backslash, so a JSON input stays JSON. Surfaces wrote it as
                        // providers send it (unescaped), so what is read here is what leaves.
                        yield new ContentBlock.ToolUse(u.id(), u.name(), visit.text(at + ".input", u.input(), Kind.CONVERSATION, false), u.kind());
                    }
                    case ContentBlock.Image image -> {
                        if (!image.inline()) fixed(at + ".url", image.url());
                        yield image;
                    }
                    case ContentBlock.Document document -> document(document, at, user);
                    // A provider verifies signed reasoning as it was signed: it cannot be rewritten. The signature
                    // (or the redacted or encrypted reasoning it stands for) is opaque base64, checked so as it
                    // was decoded; it is read all the same, as it reaches the provider.
                    case ContentBlock.Reasoning r when r.signature() != null -> {
                        fixed(at + ".reasoning", r.text());
                        fixed(at + ".signature", r.signature());
                        yield r;
                    }
                    case ContentBlock.Reasoning r -> new ContentBlock.Reasoning(visit.text(at + ".reasoning", r.text(), Kind.FREE_TEXT, false), null);
                    case ContentBlock.CachePoint point -> point;
                });
            }
            return out;
        }

        /**
         * A text document is read as the conversation it is part of, and rewritten (re-encoded) when
         * anonymised; a binary one (PDF, Office) is not read, as inline image bytes are not. Its name
         * reaches the provider as written, so it is read and a find in it blocks.
         */
        private ContentBlock.Document document(ContentBlock.Document document, String at, boolean user) {
            if (document.name() != null) fixed(at + ".name", document.name());
            if (!document.type().text()) return document;
            String text = document.text();
            String seen = visit.text(at + ".document", text, Kind.CONVERSATION, user);
            if (seen.equals(text)) return document;
            return new ContentBlock.Document(document.type(),
                    Base64.getEncoder().encodeToString(seen.getBytes(StandardCharsets.UTF_8)), document.name());
        }

        private ToolSpec tool(ToolSpec tool, String path) {
            fixed(path + ".name", tool.name());
            String description = tool.description() == null ? null : visit.text(path + ".description", tool.description(), Kind.FREE_TEXT, false);
            if (tool.inputSchema() != null) visit.text(path + ".input_schema", tool.inputSchema(), Kind.JSON, false);
            if (tool.format() != null) visit.text(path + ".format", tool.format(), Kind.JSON, false);
            return new ToolSpec(tool.name(), description, tool.inputSchema(), tool.kind(), tool.format());
        }

        /** In the order of their names, so that both walks meet them in the same order and paths are stable. */
        private Map<String, Object> extensions(Map<String, Object> extensions) {
            Map<String, Object> out = new HashMap<>(extensions);
            for (Map.Entry<String, Object> e : new TreeMap<>(extensions).entrySet()) {
                if (e.getValue() instanceof String text) {
                    out.put(e.getKey(), visit.text(e.getKey(), text, Kind.FREE_TEXT, false));
                } else if (e.getValue() != null) {
                    visit.text(e.getKey(), json(e.getValue()), Kind.JSON, false);
                }
            }
            return out;
        }

        private void fixed(String path, String text) {
            visit.text(path, text, Kind.FIXED, false);
        }
    }

    /** A structured field as the JSON a provider is sent: keys, strings and numbers alike. */
    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a request extension is not plain JSON data: " + value.getClass(), e);
        }
    }
}
