package dev.quarry.acceptance;

import static dev.quarry.acceptance.AgentEventsBadInputTest.events;
import static dev.quarry.acceptance.AgentEventsBadInputTest.message;
import static dev.quarry.acceptance.AgentEventsBadInputTest.post;
import static dev.quarry.acceptance.AgentEventsBadInputTest.session;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.agents.service.SessionInputs;
import dev.quarry.testing.Eventually;
import dev.quarry.testing.TestQuarry;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * Messages that steer an open turn wait in the session's inbox until its runner takes them in; a
 * turn waiting for function results takes none in, so without a bound a client could pile up rows
 * (and a runner's memory, when it takes them all at once) without end.
 */
class AgentSteeringBoundsTest {
    @Test
    void messagesWaitingForTheOpenTurnAreBounded() {
        try (TestQuarry quarry = TestQuarry.start()) {
            String key = quarry.newKey("steerer");
            String id = session(quarry, key, "{\"agent\": {\"model\": \"quarry/echo\", \"tools\": [{\"type\": \"function\", \"name\": \"f\"}]}}");
            post(quarry, key, id, events(message("[[call f {}]]"))).expect(202);
            Eventually.within(Duration.ofSeconds(20), () -> assertThat(quarry.call("GET", "/v1/agents/sessions/" + id, key, null).expect(200)
                    .path("status").asText()).isEqualTo("requires_action"));
            String full = events(Collections.nCopies(SessionInputs.MAX_PENDING, message("more")).toArray(String[]::new));
            post(quarry, key, id, full).expect(202);
            JsonNode refused = post(quarry, key, id, events(message("one too many"))).expect(429).path("error");
            assertThat(refused.path("param").asText()).isEqualTo("events[0]");
            assertThat(refused.path("message").asText()).contains(String.valueOf(SessionInputs.MAX_PENDING));
            // Nothing of the refused post was kept; cancelling still works.
            post(quarry, key, id, events("{\"type\": \"agent.session.input.cancel\"}")).expect(202);
        }
    }
}
