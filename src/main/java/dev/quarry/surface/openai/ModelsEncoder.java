package dev.quarry.surface.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.surface.Json;
import dev.quarry.surface.ModelListing;
import java.util.List;

/**
 * {@code GET /v1/models}: OpenAI's list shape, each model with Quarry's extra fields (whether it
 * can be served now, its context window, whether it is a test model), which OpenAI clients ignore.
 */
public final class ModelsEncoder {
    private ModelsEncoder() {}

    public static byte[] encode(List<ModelListing> models, long created) {
        ObjectNode root = Json.object().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (ModelListing m : models) {
            ObjectNode model = data.addObject()
                    .put("id", m.id()).put("object", "model").put("created", created).put("owned_by", m.family())
                    .put("description", m.description()).put("context_window", m.contextWindow())
                    .put("max_output_tokens", m.maxOutputTokens()).put("available", m.available())
                    .put("test_model", m.testModel());
            ArrayNode capabilities = model.putArray("capabilities");
            m.capabilities().forEach(capabilities::add);
        }
        return Json.bytes(root);
    }
}
