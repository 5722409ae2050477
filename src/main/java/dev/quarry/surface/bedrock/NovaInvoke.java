package dev.quarry.surface.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.aws.EventStreamCodec;
import dev.quarry.aws.EventStreamMessage;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Amazon Nova bodies ({@code "schemaVersion": "messages-v1"}). Nova's request is Converse's, but
 * for a few names, so it is rewritten into a Converse request and decoded as one; its answer and
 * stream events are Converse's too, with Nova's usage names, so the Converse encoders write them
 * and this class renames and reframes.
 */
public record NovaInvoke() implements InvokeFamily {
    public static final String SCHEMA_VERSION = "messages-v1";

    private static final Set<String> KEYS = Set.of("schemaVersion", "system", "messages", "inferenceConfig", "toolConfig");
    /** Nova's snake-case spellings of the Converse inference settings. */
    private static final Map<String, String> CONVERSE_NAMES = Map.of("max_new_tokens", "maxTokens", "top_p", "topP");
    private static final Set<String> CONVERSE_SETTINGS = Set.of("maxTokens", "temperature", "topP", "stopSequences");

    /**
     * Whether a body with {@code messages} is Nova's rather than OpenAI's: it has a key only Nova
     * has, or its first message's content is an array of blocks named by their one key
     * ({@code {"text": …}}) where OpenAI's parts have a {@code type}.
     */
    static boolean claims(ObjectNode body) {
        if (body.has("schemaVersion") || body.has("inferenceConfig") || body.has("toolConfig") || body.has("system")) return true;
        JsonNode content = body.path("messages").path(0).path("content");
        return content.isArray() && !content.isEmpty() && content.get(0).isObject() && !content.get(0).has("type");
    }

    @Override
    public ChatRequest decode(String modelId, ObjectNode body, boolean streaming) {
        InvokeFamily.onlyKeys(body, KEYS, "Amazon Nova");
        JsonNode version = body.get("schemaVersion");
        if (version != null && !SCHEMA_VERSION.equals(version.asText())) {
            throw QuarryException.invalid("schemaVersion", "'schemaVersion' must be \"" + SCHEMA_VERSION + "\".");
        }
        ObjectNode converse = body.deepCopy();
        converse.remove("schemaVersion");
        JsonNode config = body.get("inferenceConfig");
        if (config != null && config.isObject()) inferenceConfig((ObjectNode) config.deepCopy(), converse);
        return ConverseDecoder.decode(modelId, converse);
    }

    /**
     * Nova's settings under their Converse names; the ones Converse lacks (such as {@code topK})
     * go where Converse carries them for Nova, {@code additionalModelRequestFields.inferenceConfig}.
     */
    private static void inferenceConfig(ObjectNode config, ObjectNode converse) {
        CONVERSE_NAMES.forEach((nova, name) -> {
            if (!config.has(nova)) return;
            if (config.has(name)) {
                throw QuarryException.invalid("inferenceConfig." + nova, "Give one of 'inferenceConfig." + nova + "' and 'inferenceConfig." + name + "'.");
            }
            config.set(name, config.remove(nova));
        });
        ObjectNode additional = Json.object();
        config.fieldNames().forEachRemaining(key -> {
            if (!CONVERSE_SETTINGS.contains(key)) additional.set(key, config.get(key));
        });
        additional.fieldNames().forEachRemaining(config::remove);
        converse.set("inferenceConfig", config);
        if (!additional.isEmpty()) converse.putObject("additionalModelRequestFields").set("inferenceConfig", additional);
    }

    /** Converse's answer, without the {@code metrics} Nova does not send, and with Nova's usage names. */
    @Override
    public WireReply encode(ChatResponse response, String requestId, String modelId, long latencyMillis) {
        ObjectNode body = Json.parseObject(ConverseEncoder.encode(response, latencyMillis));
        body.remove("metrics");
        body.set("usage", usage(body.get("usage")));
        return InvokeReply.of(Json.bytes(body), response.usage(), latencyMillis);
    }

    /** Each ConverseStream event as a chunk, {@code {"<event type>": <event>}}; {@code metadata}, the last, with the invocation metrics. */
    @Override
    public void stream(EventStream events, OutputStream out, String requestId, String modelId, long inputEstimate, LongSupplier latencyMillis) {
        new ConverseStreamEncoder(new ConverseReframer(new ChunkWriter(out, latencyMillis)), latencyMillis).write(events);
    }

    /** Nova counts cached input under {@code …TokenCount} names where Converse has {@code …Tokens}. */
    private static ObjectNode usage(JsonNode converse) {
        ObjectNode usage = converse.deepCopy();
        usage.set("cacheReadInputTokenCount", usage.remove("cacheReadInputTokens"));
        usage.set("cacheWriteInputTokenCount", usage.remove("cacheWriteInputTokens"));
        return usage;
    }

    /**
     * Takes the event-stream frames the Converse stream encoder writes, each in one write that
     * it flushes ({@link EventStreamCodec#write}), and sends them on as chunks; its exception
     * frames pass through as they are.
     */
    private static final class ConverseReframer extends Reframer {
        private final ChunkWriter chunks;

        ConverseReframer(ChunkWriter chunks) {
            this.chunks = chunks;
        }

        @Override
        protected byte[] frames(byte[] bytes) throws IOException {
            var in = new ByteArrayInputStream(bytes);
            for (EventStreamMessage frame; (frame = EventStreamCodec.read(in)) != null; ) send(frame);
            return in.readAllBytes();
        }

        private void send(EventStreamMessage frame) {
            String type = frame.text(EventStreamMessage.EVENT_TYPE).orElse(null);
            if (type == null) {
                chunks.send(frame);
                return;
            }
            ObjectNode event = Json.parseObject(frame.payload());
            if (!type.equals("metadata")) {
                chunks.chunk(Json.object().set(type, event));
                return;
            }
            event.remove("metrics");
            ObjectNode usage = usage(event.get("usage"));
            event.set("usage", usage);
            Usage counted = new Usage(usage.path("inputTokens").asLong(), usage.path("outputTokens").asLong(),
                    usage.path("cacheReadInputTokenCount").asLong(), usage.path("cacheWriteInputTokenCount").asLong());
            chunks.last(Json.object().set("metadata", event), counted.totalInputTokens(), counted.outputTokens());
        }
    }
}
