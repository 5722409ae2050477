package dev.quarry.agents.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.AgentSpec;
import dev.quarry.store.StoreException;
import java.util.Map;
import java.util.TreeMap;

/** The JSON columns: an agent's spec and a metadata map. */
final class SpecJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SpecJson() {}

    static String spec(AgentSpec spec) {
        ObjectNode node = JSON.createObjectNode();
        node.put("model", spec.model());
        if (spec.name() != null) node.put("name", spec.name());
        if (spec.instructions() != null) node.put("instructions", spec.instructions());
        if (!spec.tools().isEmpty()) node.set("tools", ToolJson.write(spec.tools()));
        if (spec.compaction()) node.put("compaction", true);
        return node.toString();
    }

    static AgentSpec spec(String json) {
        try {
            var node = JSON.readTree(json);
            return new AgentSpec(text(node.get("name")), node.path("model").asText(), text(node.get("instructions")), ToolJson.read(node.path("tools")),
                    node.path("compaction").asBoolean(false));
        } catch (JsonProcessingException e) {
            throw new StoreException("an agent spec in the store is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String metadata(Map<String, String> metadata) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(metadata));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> metadata(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
        } catch (JsonProcessingException e) {
            throw new StoreException("metadata in the store is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
