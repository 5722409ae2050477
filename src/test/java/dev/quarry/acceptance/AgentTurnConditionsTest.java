package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.testing.Eventually;
import dev.quarry.testing.TestQuarry;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A turn's model calls are authorized with the condition keys of the request that started it: a
 * policy denying the model to a client address denies it to that client's turns too, even in a
 * session created from an address it allows.
 */
class AgentTurnConditionsTest {
    @Test
    void aTurnStartedFromADeniedAddressIsDeniedItsModel() throws Exception {
        try (TestQuarry quarry = TestQuarry.start()) {
            String key = quarry.newKey("far-away");
            quarry.admin("PUT", "/admin/policies/NotFromThere", """
                    {"Statement": [{"Effect": "Deny", "Action": "quarry:InvokeModel*", "Resource": "model/quarry/echo",
                      "Condition": {"IpAddress": {"quarry:SourceIp": "127.0.0.2/32"}}}]}""").expect(200);
            quarry.admin("POST", "/admin/policies/NotFromThere/attachments", "{\"target_type\": \"principal\", \"target_name\": \"far-away\"}")
                    .expect(200);
            String session = quarry.call("POST", "/v1/agents/sessions", key, "{\"agent\": {\"model\": \"quarry/echo\"}}")
                    .expect(200).path("id").asText();

            HttpClient fromThere = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.2")).build();
            HttpResponse<String> posted = fromThere.send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/agents/sessions/" + session + "/events"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"events\": [{\"type\": \"agent.session.input.message\", \"input\": \"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);

            JsonNode turn = Eventually.theOne(() -> {
                JsonNode t = quarry.call("GET", "/v1/agents/sessions/" + session + "/turns", key, null).expect(200).path("data").path(0);
                return List.of("completed", "failed", "cancelled").contains(t.path("status").asText()) ? List.of(t) : List.of();
            });
            assertThat(turn.path("status").asText()).as(turn.toString()).isEqualTo("failed");
            assertThat(turn.path("error").path("code").asText()).isEqualTo("permission_denied");
        }
    }
}
