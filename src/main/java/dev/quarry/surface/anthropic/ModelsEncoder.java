package dev.quarry.surface.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.Json;
import dev.quarry.surface.ModelListing;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}} in Anthropic's shape, paged as Anthropic
 * pages it ({@code limit}, {@code after_id}, {@code before_id}; {@code has_more}, {@code first_id},
 * {@code last_id}). Each model also carries Quarry's extras (whether it can be served now,
 * whether it is a test model), which Anthropic clients ignore.
 */
public final class ModelsEncoder {
    private ModelsEncoder() {}

    /** Which slice of the list a client asked for. */
    public record Page(int limit, String afterId, String beforeId) {
        static final int DEFAULT_LIMIT = 20;
        static final int MAX_LIMIT = 1000;

        /** From the query parameters as sent, each {@code null} when absent. */
        public static Page of(String limit, String afterId, String beforeId) {
            if (limit == null) return new Page(DEFAULT_LIMIT, afterId, beforeId);
            try {
                int n = Integer.parseInt(limit);
                if (n >= 1 && n <= MAX_LIMIT) return new Page(n, afterId, beforeId);
            } catch (NumberFormatException e) {
                // reported below
            }
            throw QuarryException.invalid("limit", "'limit' must be an integer from 1 to " + MAX_LIMIT + " (got '" + limit + "').");
        }
    }

    /** @param created the creation time to report; Quarry's catalog keeps no release dates */
    public static byte[] list(List<ModelListing> models, Page page, Instant created) {
        int from = page.afterId() == null ? 0 : position(models, page.afterId(), "after_id") + 1;
        int to = page.beforeId() == null ? models.size() : position(models, page.beforeId(), "before_id");
        List<ModelListing> window = models.subList(from, Math.max(from, to));
        boolean hasMore = window.size() > page.limit();
        // Paging backwards (before_id alone) shows the models just before that id.
        boolean backwards = page.beforeId() != null && page.afterId() == null;
        List<ModelListing> shown = !hasMore ? window
                : backwards ? window.subList(window.size() - page.limit(), window.size()) : window.subList(0, page.limit());

        ObjectNode root = Json.object();
        var data = root.putArray("data");
        shown.forEach(m -> data.add(model(m, created)));
        root.put("has_more", hasMore)
                .put("first_id", shown.isEmpty() ? null : shown.getFirst().id())
                .put("last_id", shown.isEmpty() ? null : shown.getLast().id());
        return Json.bytes(root);
    }

    public static byte[] one(ModelListing model, Instant created) {
        return Json.bytes(model(model, created));
    }

    private static ObjectNode model(ModelListing m, Instant created) {
        ObjectNode model = Json.object().put("type", "model").put("id", m.id())
                .put("display_name", m.description() == null || m.description().isBlank() ? m.id() : m.description())
                .put("created_at", created.truncatedTo(ChronoUnit.SECONDS).toString())
                .put("lifecycle", "active").putNull("deprecated_at").putNull("retires_at");
        model.put("max_input_tokens", m.contextWindow() > 0 ? m.contextWindow() : null);
        model.put("max_tokens", m.maxOutputTokens() > 0 ? m.maxOutputTokens() : null);
        return model.put("available", m.available()).put("test_model", m.testModel());
    }

    private static int position(List<ModelListing> models, String id, String param) {
        for (int i = 0; i < models.size(); i++) {
            if (models.get(i).id().equals(id)) return i;
        }
        throw QuarryException.invalid(param, "'" + param + "' names no model of this list (got '" + id + "').");
    }
}
