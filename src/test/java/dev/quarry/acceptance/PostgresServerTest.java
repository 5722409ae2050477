package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestQuarry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The same server on PostgreSQL instead of the embedded SQLite file. */
class PostgresServerTest {

    @Test
    void servesAndMetersOnPostgres() {
        String url = StoreTargets.freshUrl("postgresql");
        try (TestQuarry quarry = TestQuarry.start("store: { url: \"" + url + "\" }", Map.of())) {
            var client = OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/v1").apiKey(quarry.newKey("pg-user")).maxRetries(0).build();
            try {
                var completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                        .model("quarry/echo").addUserMessage("on postgres").build());
                assertThat(completion.choices().getFirst().message().content()).hasValue("You said: on postgres");
                var record = quarry.ledgerRecord("req_" + completion.id().substring("chatcmpl-".length()));
                assertThat(record.status()).isEqualTo("completed");
            } finally {
                client.close();
            }
        }
    }
}
