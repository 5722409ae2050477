package dev.quarry.acceptance;

import static dev.quarry.acceptance.AgentEventsBadInputTest.events;
import static dev.quarry.acceptance.AgentEventsBadInputTest.message;
import static dev.quarry.acceptance.AgentEventsBadInputTest.post;
import static dev.quarry.acceptance.AgentEventsBadInputTest.session;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.testing.Eventually;
import dev.quarry.testing.SlowChatUpstream;
import dev.quarry.testing.TestQuarry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A turn's time limit holds during a model call too: an answer that streams on and on is cut at the turn's deadline. */
class AgentTurnDeadlineTest {
    @Test
    void aModelThatStreamsPastTheTurnsDeadlineIsCut() {
        try (SlowChatUpstream upstream = new SlowChatUpstream(100_000, Duration.ofMillis(20));
             TestQuarry quarry = TestQuarry.start(upstream.modelConfig() + "agents: { turn_timeout_seconds: 2 }\n", Map.of())) {
            String key = quarry.newKey("patient");
            String id = session(quarry, key, "{\"agent\": {\"model\": \"slow\"}}");
            post(quarry, key, id, events(message("talk forever"))).expect(202);
            Eventually.within(Duration.ofSeconds(15), () -> assertThat(turn(quarry, key, id).path("status").asText())
                    .isIn(List.of("completed", "failed", "cancelled")));
            JsonNode turn = turn(quarry, key, id);
            assertThat(turn.path("status").asText()).isEqualTo("failed");
            assertThat(turn.path("error").path("code").asText()).isEqualTo("request_timeout");
            Eventually.within(Duration.ofSeconds(5), () -> assertThat(upstream.cut()).isEqualTo(1));
        }
    }

    /** The same for the call that compacts the history: a summary that streams on and on is cut too. */
    @Test
    void aCompactionThatStreamsPastTheTurnsDeadlineIsCut() {
        try (SlowChatUpstream upstream = new SlowChatUpstream(100_000, Duration.ofMillis(20));
             TestQuarry quarry = TestQuarry.start("""
                     providers: [{ name: slow-upstream, type: openai-compatible, base_url: "%s" }]
                     models: [{ id: slow, context_window: 600, deployments: [{ provider: slow-upstream, model: slow }] }]
                     agents: { turn_timeout_seconds: 2 }
                     """.formatted(upstream.baseUrl()), Map.of())) {
            String key = quarry.newKey("summariser");
            String id = session(quarry, key, "{\"agent\": {\"model\": \"slow\", \"compaction\": {\"async\": false}}}");
            post(quarry, key, id, events(message("word ".repeat(600)))).expect(202);
            Eventually.within(Duration.ofSeconds(15), () -> assertThat(turn(quarry, key, id).path("status").asText())
                    .isIn(List.of("completed", "failed", "cancelled")));
            JsonNode turn = turn(quarry, key, id);
            assertThat(turn.path("error").path("code").asText()).as(turn.toString()).isEqualTo("request_timeout");
            assertThat(upstream.requests()).hasSize(1).allSatisfy(r -> assertThat(r).contains("compacting the conversation"));
            Eventually.within(Duration.ofSeconds(5), () -> assertThat(upstream.cut()).isEqualTo(1));
        }
    }

    private static JsonNode turn(TestQuarry quarry, String key, String session) {
        return quarry.call("GET", "/v1/agents/sessions/" + session + "/turns", key, null).expect(200).path("data").path(0);
    }
}
