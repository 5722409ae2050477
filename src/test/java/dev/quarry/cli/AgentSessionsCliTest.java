package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.testing.CuttingProxy;
import dev.quarry.testing.QuarryCli;
import dev.quarry.testing.SlowChatUpstream;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code quarry agents sessions}: the caller's sessions listed and shown, a turn followed live to
 * idle, a slow turn cancelled, and an unknown session refused in the API's words.
 */
class AgentSessionsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Slow enough that a follower connects while the answer is still being written. */
    private static final SlowChatUpstream SLOW = new SlowChatUpstream(120, Duration.ofMillis(25));
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private static TestQuarry quarry;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start(SLOW.modelConfig(), Map.of());
    }

    @AfterAll
    static void stop() {
        quarry.close();
        SLOW.close();
    }

    @Test
    void listShowsTheCallersSessionsAlignedAndNotAnotherPrincipals() throws Exception {
        String mine = create("quarry/echo", null, Map.of("team", "表計算🙂"));
        String theirs = createAs(quarry.newKey("someone-else"), "quarry/echo", null, Map.of());

        String table = cli("agents", "sessions", "list");
        List<String> lines = table.lines().toList();
        assertThat(lines.getFirst()).startsWith("ID").contains("STATUS", "MODEL", "CREATED", "LAST ACTIVE", "METADATA");
        String row = lines.stream().filter(l -> l.startsWith(mine)).findFirst().orElseThrow();
        assertThat(row).contains("idle", "quarry/echo", "team=表計算🙂");
        assertThat(row.indexOf("idle")).as("aligned under STATUS").isEqualTo(lines.getFirst().indexOf("STATUS"));
        assertThat(table).doesNotContain(theirs);

        JsonNode json = JSON.readTree(cli("agents", "sessions", "list", "--output", "json"));
        assertThat(json.path("data").findValuesAsText("id")).contains(mine).doesNotContain(theirs);
        create("quarry/echo", null, Map.of());
        JsonNode one = JSON.readTree(cli("agents", "sessions", "list", "--limit", "1", "--output", "json"));
        assertThat(one.path("data")).hasSize(1);
        assertThat(one.path("has_more").asBoolean()).isTrue();
        JsonNode rest = JSON.readTree(cli("agents", "sessions", "list", "--after", one.path("last_id").asText(), "--output", "json"));
        assertThat(rest.path("data").findValuesAsText("id")).doesNotContain(one.path("last_id").asText()).isNotEmpty();
    }

    @Test
    void showPrintsTheSessionItsTurnsAndItsItemsOldestFirst() throws Exception {
        String id = create("quarry/echo", "hello there", Map.of());
        awaitStatus(id, "idle");
        String shown = cli("agents", "sessions", "show", id);
        assertThat(shown).contains("session " + id + "  status=idle  model=quarry/echo", "turns:", "items:");
        assertThat(shown).containsPattern("turn_\\S+ completed usage in=\\d+ out=\\d+");
        assertThat(shown.indexOf("message (user): hello there")).isPositive()
                .isLessThan(shown.indexOf("message (assistant): You said: hello there"));

        JsonNode json = JSON.readTree(cli("agents", "sessions", "show", id, "--output", "json"));
        assertThat(json.path("session").path("id").asText()).isEqualTo(id);
        assertThat(json.path("turns").path("data")).hasSize(1);
        assertThat(json.path("items").path("data")).hasSize(2);
    }

    @Test
    void followUntilIdlePrintsALiveAnswerOnOneLineAndEnds() {
        String id = create("slow", null, Map.of());
        post(id, message("talk"));
        String followed = cli("agents", "sessions", "follow", id, "--until-idle");
        List<String> lines = followed.lines().toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("\\d\\d:\\d\\d:\\d\\d text: .*w119 "));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("\\d\\d:\\d\\d:\\d\\d turn\\.completed turn_\\S+ usage in=5 out=120"));
        assertThat(lines.getLast()).endsWith("idle");
    }

    @Test
    void aDroppedStreamIsResumedAfterTheLastEventWithNothingMissedOrTwice() throws Exception {
        String id = create("slow", null, Map.of());
        post(id, message("talk"));
        try (CuttingProxy proxy = new CuttingProxy(URI.create(quarry.baseUrl()).getPort())) {
            CompletableFuture<QuarryCli.Output> following = CompletableFuture.supplyAsync(() -> QuarryCli.run("agents", "sessions", "follow", id,
                    "--until-idle", "--url", proxy.baseUrl(), "--data", quarry.dataDir().toString()));
            // Into the answer (120 words over 3 s): the deltas flow once more has come back than the session and turn lookups.
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (proxy.answered() < 10_000) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(10);
            }
            assertThat(turn(id).path("status").asText()).as("cut while the turn runs").isEqualTo("in_progress");
            proxy.cut();
            // The turn ends while the follower cannot reach Quarry: it sees the end only if it resumes after its last event.
            awaitStatus(id, "idle");
            proxy.restore();
            QuarryCli.Output followed = following.get(30, TimeUnit.SECONDS);
            assertThat(followed.code()).as(followed.stderr()).isZero();
            assertThat(followed.stderr()).containsPattern("the event stream ended; reconnecting in 500 ms after evt_\\S+ \\(1 of 5\\)");
            assertThat(followed.stdout().lines().filter(l -> l.contains("turn.completed"))).hasSize(1);
            assertThat(followed.stdout().lines().filter(l -> l.contains("turn.item.done message (assistant): w0 w1 "))).hasSize(1);
            assertThat(followed.stdout().lines().toList().getLast()).endsWith("session.idle");
        }
    }

    @Test
    void followFromTheStartReplaysTheCommittedTurnAndStopsWhereTheSessionSettled() {
        String id = create("quarry/echo", "first", Map.of());
        awaitStatus(id, "idle");
        post(id, message("second"));
        awaitStatus(id, "idle");
        QuarryCli.Output followed = QuarryCli.run(QuarryCli.against(quarry, "agents", "sessions", "follow", id, "--from-start", "--until-idle"));
        assertThat(followed.code()).as(followed.stderr()).isZero();
        assertThat(followed.stderr()).contains("agent.session.created, which is not replayed");
        assertThat(followed.stdout()).contains("item.done message (assistant): You said: first", "item.done message (assistant): You said: second");
        assertThat(followed.stdout().lines().filter(l -> l.contains("turn.completed"))).hasSize(2);
        assertThat(followed.stdout().lines().toList().getLast()).endsWith("idle");

        // Already idle and nothing to replay: it ends at once.
        QuarryCli.Output idle = QuarryCli.run(QuarryCli.against(quarry, "agents", "sessions", "follow", id, "--until-idle"));
        assertThat(idle.code()).isZero();
        assertThat(idle.stdout()).isEmpty();
        assertThat(idle.stderr()).contains("the session is idle");
    }

    @Test
    void aFunctionCallIsShownAsARequiredActionAndFollowingEndsThere() {
        String id = createWithTool();
        post(id, message("[[call get_weather {\"city\": \"Oslo\"}]]"));
        awaitStatus(id, "requires_action");
        String followed = cli("agents", "sessions", "follow", id, "--from-start", "--until-idle");
        assertThat(followed).containsPattern("requires_action: function_call get_weather \\{\"city\": ?\"Oslo\"\\} call_\\S+");
        assertThat(followed.lines().toList().getLast()).contains(" requires_action: function_call get_weather");
        assertThat(cli("agents", "sessions", "show", id)).containsPattern("requires_action: function_call get_weather .* \\(turn turn_\\S+\\)");
    }

    @Test
    void cancelEndsASlowTurnAndSaysSo() {
        String id = create("slow", null, Map.of());
        assertThat(cli("agents", "sessions", "cancel", id)).isEqualTo("no turn was open in " + id + "; nothing to cancel" + System.lineSeparator());

        post(id, message("talk"));
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!turn(id).path("status").asText().equals("in_progress")) assertThat(System.nanoTime()).isLessThan(deadline);
        String cancelled = cli("agents", "sessions", "cancel", id);
        assertThat(cancelled).isEqualTo("cancelled turn " + turn(id).path("id").asText() + System.lineSeparator());
        assertThat(turn(id).path("status").asText()).isEqualTo("cancelled");
        assertThat(cli("agents", "sessions", "list")).containsPattern(id + "\\s+idle");
    }

    private static JsonNode turn(String id) {
        return quarry.call("GET", "/v1/agents/sessions/" + id + "/turns?limit=1", quarry.adminKey(), null).expect(200).path("data").path(0);
    }

    @Test
    void anUnknownSessionIsRefusedInTheApisWords() {
        for (String command : List.of("show", "follow", "cancel")) {
            QuarryCli.Output refused = QuarryCli.run(QuarryCli.against(quarry, "agents", "sessions", command, "sess_01JZZZZZZZZZZZZZZZZZZZZZZZ"));
            assertThat(refused.code()).as(command).isEqualTo(1);
            assertThat(refused.stdout()).isEmpty();
            assertThat(refused.stderr()).startsWith("quarry: ").contains("sess_01JZZZZZZZZZZZZZZZZZZZZZZZ", "(HTTP 404)");
        }
    }

    private static String cli(String... args) {
        return QuarryCli.succeed(QuarryCli.against(quarry, args));
    }

    private static String create(String model, String input, Map<String, String> metadata) {
        return createAs(quarry.adminKey(), model, input, metadata);
    }

    private static String createAs(String key, String model, String input, Map<String, String> metadata) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("agent").put("model", model);
        body.set("metadata", JSON.valueToTree(metadata));
        if (input != null) body.put("input", input);
        return quarry.call("POST", "/v1/agents/sessions", key, body.toString()).expect(200).path("id").asText();
    }

    private static String createWithTool() {
        return quarry.call("POST", "/v1/agents/sessions", quarry.adminKey(), """
                {"agent": {"model": "quarry/echo", "tools": [{"type": "function", "name": "get_weather", "parameters": {"type": "object"}}]}}""")
                .expect(200).path("id").asText();
    }

    private static String message(String text) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("events").addObject().put("type", "agent.session.input.message").put("input", text);
        return body.toString();
    }

    private static void post(String id, String body) {
        quarry.call("POST", "/v1/agents/sessions/" + id + "/events", quarry.adminKey(), body).expect(202);
    }

    private static JsonNode awaitStatus(String id, String status) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            JsonNode session = quarry.call("GET", "/v1/agents/sessions/" + id, quarry.adminKey(), null).expect(200);
            if (session.path("status").asText().equals(status)) return session;
            assertThat(System.nanoTime()).as("session " + id + " still " + session.path("status").asText()).isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
