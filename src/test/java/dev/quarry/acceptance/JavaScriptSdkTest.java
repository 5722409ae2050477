package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.testing.NpmTools;
import dev.quarry.testing.TestQuarry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The AWS SDK for JavaScript v3 ({@code @aws-sdk/client-bedrock-runtime}, pinned in {@link
 * NpmTools}) at its default settings against Quarry's Bedrock Runtime surface. For an event stream
 * it speaks HTTP/2 and sends GOAWAY as soon as the answer's headers arrive; every stream must
 * still arrive whole. Skipped where node or npm is missing.
 */
class JavaScriptSdkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROUNDS = 25;
    private static final String SAID = "Stream this through the JavaScript SDK, every word of it. ".repeat(20).strip();

    static TestQuarry quarry;
    static IssuedKey key;

    @BeforeAll
    static void start() {
        assumeTrue(NpmTools.npmAvailable() && NpmTools.nodeAvailable(), "node and npm are needed to run the AWS SDK for JavaScript");
        quarry = TestQuarry.start();
        key = quarry.quarry().identities().createKey("javascript-user", PrincipalKind.USER);
    }

    @AfterAll
    static void stop() {
        if (quarry != null) quarry.close();
    }

    @Test
    void everyConverseStreamArrivesWholeAndConverseAnswers() throws Exception {
        Path modules = NpmTools.installLibrary(NpmTools.AWS_SDK_BEDROCK_RUNTIME);
        Path script = Path.of(JavaScriptSdkTest.class.getResource("/js/bedrock-runtime-calls.cjs").toURI());
        var node = new ProcessBuilder("node", script.toString(), quarry.baseUrl(), key.accessKeyId(), key.secretAccessKey(),
                String.valueOf(ROUNDS), SAID).redirectErrorStream(true);
        node.environment().put("NODE_PATH", modules.toString());
        Process process = node.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("node finished").isTrue();
        assertThat(process.exitValue()).as(out).isZero();

        List<JsonNode> calls = new ArrayList<>();
        for (String line : out.lines().filter(l -> l.startsWith("{")).toList()) calls.add(JSON.readTree(line));
        assertThat(calls).as(out).hasSize(ROUNDS + 1);
        for (JsonNode stream : calls.subList(0, ROUNDS)) {
            assertThat(stream.path("call").asText()).isEqualTo("ConverseStream");
            assertThat(stream.path("text").asText()).isEqualTo("You said: " + SAID);
            assertThat(JSON.convertValue(stream.path("events"), List.class))
                    .containsExactly("messageStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata");
        }
        JsonNode converse = calls.getLast();
        assertThat(converse.path("call").asText()).isEqualTo("Converse");
        assertThat(converse.path("text").asText()).isEqualTo("You said: " + SAID);
        assertThat(converse.path("stopReason").asText()).isEqualTo("end_turn");
    }
}
