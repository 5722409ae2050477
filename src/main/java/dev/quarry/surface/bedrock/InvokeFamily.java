package dev.quarry.surface.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.WireReply;
import java.io.OutputStream;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A model-native body format InvokeModel and InvokeModelWithResponseStream take, and the answer
 * format that goes with it.
 *
 * <p>The body's shape, not the model id, picks the family: any model behind Quarry may be
 * invoked in any family's format, and the id (an alias, an ARN, {@code quarry/echo}) often
 * names no family at all.
 */
public sealed interface InvokeFamily permits AnthropicInvoke, OpenAiInvoke, LlamaInvoke, NovaInvoke {

    /**
     * The family whose marks the body carries: Anthropic's {@code anthropic_version}, Llama's
     * {@code prompt}, or {@code messages}, which Nova and OpenAI share (see {@link NovaInvoke#claims}).
     */
    static InvokeFamily of(ObjectNode body) {
        if (body.has("anthropic_version")) return new AnthropicInvoke();
        if (body.has("prompt")) return new LlamaInvoke();
        if (body.has("messages")) return NovaInvoke.claims(body) ? new NovaInvoke() : new OpenAiInvoke();
        throw QuarryException.invalid(null, "The body is in no model format Quarry's InvokeModel knows. It takes Anthropic Messages bodies "
                + "(with \"anthropic_version\"), OpenAI Chat Completions bodies (\"messages\"), Meta Llama bodies (\"prompt\") and "
                + "Amazon Nova bodies (\"schemaVersion\": \"messages-v1\"); Converse works with every model.");
    }

    /**
     * @param modelId   the model of the request path, which the body does not name
     * @param streaming whether the call is InvokeModelWithResponseStream
     */
    ChatRequest decode(String modelId, ObjectNode body, boolean streaming);

    /**
     * The family's answer body, with Bedrock's count headers.
     *
     * @param requestId Quarry's {@code req_…} id, which families derive their answer ids from
     */
    WireReply encode(ChatResponse response, String requestId, String modelId, long latencyMillis);

    /**
     * Writes the answer as {@code chunk} frames of the family's stream events.
     *
     * @param inputEstimate the input tokens to report before the real count is known
     * @param latencyMillis how long the call has taken so far
     */
    void stream(EventStream events, OutputStream out, String requestId, String modelId, long inputEstimate, LongSupplier latencyMillis);

    /** Refuses a body key the family does not define, as Bedrock's model validation does. */
    static void onlyKeys(JsonNode body, Set<String> allowed, String family) {
        body.fieldNames().forEachRemaining(key -> {
            if (!allowed.contains(key)) {
                throw QuarryException.invalid(key, "extraneous key [" + key + "] is not permitted in a " + family + " body.");
            }
        });
    }
}
