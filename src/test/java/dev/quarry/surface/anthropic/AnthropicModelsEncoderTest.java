package dev.quarry.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.Json;
import dev.quarry.surface.ModelListing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AnthropicModelsEncoderTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:34:56.789Z");
    private static final List<ModelListing> MODELS = IntStream.rangeClosed(1, 5)
            .mapToObj(i -> new ModelListing("m" + i, "claude", "Model " + i, 200_000, 64_000, List.of("tools"), i != 5, false))
            .toList();

    @Test
    void aModelCarriesAnthropicsFieldsAndQuarrysExtras() {
        var sonnet = new ModelListing("claude-sonnet-4-5", "claude", "Anthropic Claude Sonnet 4.5", 200_000, 64_000, List.of(), false, false);
        assertThat(new String(ModelsEncoder.one(sonnet, NOW), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(
                "{\"type\":\"model\",\"id\":\"claude-sonnet-4-5\",\"display_name\":\"Anthropic Claude Sonnet 4.5\","
                        + "\"created_at\":\"2026-03-01T12:34:56Z\",\"lifecycle\":\"active\",\"deprecated_at\":null,\"retires_at\":null,"
                        + "\"max_input_tokens\":200000,\"max_tokens\":64000,\"available\":false,\"test_model\":false}");
        var embedding = new ModelListing("quarry/minilm", "quarry", "", 256, 0, List.of(), true, false);
        JsonNode model = Json.parseObject(ModelsEncoder.one(embedding, NOW));
        assertThat(model.get("display_name").asText()).isEqualTo("quarry/minilm");
        assertThat(model.get("max_tokens").isNull()).isTrue();
    }

    @Test
    void theWholeListFitsTheDefaultPage() {
        JsonNode page = list(ModelsEncoder.Page.of(null, null, null));
        assertThat(ids(page)).containsExactly("m1", "m2", "m3", "m4", "m5");
        assertThat(page.get("has_more").asBoolean()).isFalse();
        assertThat(page.get("first_id").asText()).isEqualTo("m1");
        assertThat(page.get("last_id").asText()).isEqualTo("m5");
    }

    @Test
    void pagesForwardFromAfterId() {
        List<String> seen = new ArrayList<>();
        String after = null;
        boolean more = true;
        while (more) {
            JsonNode page = list(ModelsEncoder.Page.of("2", after, null));
            seen.addAll(ids(page));
            more = page.get("has_more").asBoolean();
            after = page.get("last_id").asText();
        }
        assertThat(seen).containsExactly("m1", "m2", "m3", "m4", "m5");
    }

    @Test
    void pagesBackwardFromBeforeId() {
        JsonNode page = list(ModelsEncoder.Page.of("2", null, "m5"));
        assertThat(ids(page)).containsExactly("m3", "m4");
        assertThat(page.get("has_more").asBoolean()).isTrue();
        JsonNode first = list(ModelsEncoder.Page.of("2", null, page.get("first_id").asText()));
        assertThat(ids(first)).containsExactly("m1", "m2");
        assertThat(first.get("has_more").asBoolean()).isFalse();
    }

    @Test
    void anEmptyPageHasNoIds() {
        JsonNode page = list(ModelsEncoder.Page.of(null, "m5", null));
        assertThat(ids(page)).isEmpty();
        assertThat(page.get("first_id").isNull()).isTrue();
        assertThat(page.get("last_id").isNull()).isTrue();
    }

    @Test
    void badPagingIsRefusedNamingTheParameter() {
        assertThatThrownBy(() -> ModelsEncoder.Page.of("0", null, null)).isInstanceOfSatisfying(QuarryException.class,
                e -> assertThat(e.error().param()).isEqualTo("limit"));
        assertThatThrownBy(() -> ModelsEncoder.Page.of("1001", null, null)).isInstanceOf(QuarryException.class);
        assertThatThrownBy(() -> ModelsEncoder.Page.of("ten", null, null)).isInstanceOf(QuarryException.class);
        assertThatThrownBy(() -> list(ModelsEncoder.Page.of(null, "nope", null))).isInstanceOfSatisfying(QuarryException.class,
                e -> assertThat(e.error().param()).isEqualTo("after_id"));
    }

    private static JsonNode list(ModelsEncoder.Page page) {
        return Json.parseObject(ModelsEncoder.list(MODELS, page, NOW));
    }

    private static List<String> ids(JsonNode page) {
        return page.get("data").findValuesAsText("id");
    }
}
