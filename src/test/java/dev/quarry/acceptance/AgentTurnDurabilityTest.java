package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.store.Database;
import dev.quarry.testing.JsonCalls;
import dev.quarry.testing.QuarryProcess;
import dev.quarry.testing.SlowChatUpstream;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.StubMcpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Turns survive the death of the process running them (design sections 6 and 9). Quarry runs in
 * its own JVM and is killed with SIGKILL while turns are mid-call: a model call streaming from a
 * slow upstream, an MCP call on a slow tool. After a restart on the same data (or on another node
 * sharing the database) every turn finishes; the model call is made again and the ledger shows
 * both calls; a non-idempotent MCP call is never run twice (its item fails as interrupted, which
 * the model reads); an idempotent one is sent again with the same idempotency key.
 */
class AgentTurnDurabilityTest {
    private static final String KEY = QuarryProcess.ADMIN_KEY;
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String IDEMPOTENCY_KEY = "dev.quarry/idempotency_key";

    @TempDir
    Path dir;

    @Test
    void turnsInFlightWhenTheirProcessIsKilledFinishAfterARestartWithoutRunningAnythingTwiceUnasked() throws Exception {
        try (SlowChatUpstream upstream = new SlowChatUpstream(6, Duration.ofMillis(250));
             StubMcpServer once = new StubMcpServer(); StubMcpServer again = new StubMcpServer()) {
            Path config = Files.writeString(dir.resolve("quarry.yaml"), upstream.modelConfig() + """
                    agents: { lease_seconds: 3, mcp: { allow_insecure_hosts: ["127.0.0.1"], allow_private_hosts: ["127.0.0.1"] } }
                    """);
            int port = QuarryProcess.freePort();
            String model;
            String notIdempotent;
            String idempotent;
            try (QuarryProcess quarry = QuarryProcess.start(dir, config, port)) {
                model = session(quarry.baseUrl(), "{\"agent\": {\"model\": \"slow\"}}");
                notIdempotent = session(quarry.baseUrl(), echoWith(mcp("once", once, "")));
                idempotent = session(quarry.baseUrl(), echoWith(mcp("again", again, ", \"quarry_idempotent_tools\": [\"slow\"]")));
                say(quarry.baseUrl(), notIdempotent, "[[call once__slow {}]]");
                say(quarry.baseUrl(), idempotent, "[[call again__slow {}]]");
                await("both tool calls running", () -> once.calls("slow") == 1 && again.calls("slow") == 1);
                say(quarry.baseUrl(), model, "hello");
                await("the answer streaming", () -> items(quarry.baseUrl(), model).stream().anyMatch(i -> i.path("role").asText().equals("assistant")
                        && i.path("status").asText().equals("in_progress")), () -> "items " + items(quarry.baseUrl(), model));
                quarry.kill();
            }
            assertThat(upstream.started()).as("model calls before the kill").isEqualTo(1);
            again.slowFor(Duration.ZERO);

            try (QuarryProcess restarted = QuarryProcess.start(dir, config, port)) {
                String url = restarted.baseUrl();
                await("every session idle again", () -> idle(url, model) && idle(url, notIdempotent) && idle(url, idempotent));

                assertOneAnswer(url, model);
                assertThat(turnStatuses(url, model)).containsExactly("completed");

                assertThat(once.calls("slow")).as("a call that may have run is not run again").isEqualTo(1);
                JsonNode failed = mcpCall(url, notIdempotent);
                assertThat(failed.path("status").asText()).isEqualTo("failed");
                assertThat(failed.path("error").asText()).startsWith("interrupted");
                assertThat(lastAnswer(url, notIdempotent)).contains(" failed: interrupted");

                assertThat(again.calls("slow")).as("an idempotent call is sent again").isEqualTo(2);
                assertThat(again.metas()).extracting(m -> m.path(IDEMPOTENCY_KEY).asText()).doesNotContain("").containsOnly(
                        again.metas().getFirst().path(IDEMPOTENCY_KEY).asText());
                assertThat(mcpCall(url, idempotent).path("status").asText()).isEqualTo("completed");
                assertThat(lastAnswer(url, idempotent)).contains(" returned: finally");

            }
            assertThat(upstream.started()).as("the interrupted call was made again").isEqualTo(2);
            try (Database db = Database.sqliteIn(dir.resolve("data"))) {
                assertThat(ledgerStatuses(db, model)).as("one ledger row per call the upstream received")
                        .containsExactlyInAnyOrder("interrupted", "completed");
            }
        }
    }

    @Test
    void anotherNodeOnTheSameDatabaseResumesATurnWhoseNodeWasKilled() throws Exception {
        String store = StoreTargets.freshUrl("postgresql");
        try (SlowChatUpstream upstream = new SlowChatUpstream(6, Duration.ofMillis(250))) {
            CompletableFuture<QuarryProcess> a = CompletableFuture.supplyAsync(() -> node("node-a", store, upstream));
            CompletableFuture<QuarryProcess> b = CompletableFuture.supplyAsync(() -> node("node-b", store, upstream));
            try (QuarryProcess nodeA = a.join(); QuarryProcess nodeB = b.join(); Database db = Database.open(store)) {
                String session = session(nodeA.baseUrl(), "{\"agent\": {\"model\": \"slow\"}}");
                say(nodeA.baseUrl(), session, "hello");
                await("the answer streaming", () -> items(nodeA.baseUrl(), session).stream()
                        .anyMatch(i -> i.path("role").asText().equals("assistant")));
                String runner = leaseOwner(db, session);
                QuarryProcess dead = runner.equals("node-a") ? nodeA : nodeB;
                QuarryProcess survivor = dead == nodeA ? nodeB : nodeA;
                dead.kill();
                long killed = System.nanoTime();
                await("the other node taking the turn", () -> !runner.equals(leaseOwner(db, session)));
                assertThat(Duration.ofNanos(System.nanoTime() - killed)).as("taken over within lease (3 s) + claim interval (1 s)")
                        .isLessThan(Duration.ofMillis(4_000 + 1_500));
                await("the session idle", () -> idle(survivor.baseUrl(), session));

                assertOneAnswer(survivor.baseUrl(), session);
                assertThat(turnStatuses(survivor.baseUrl(), session)).containsExactly("completed");
                List<Long> seqs = eventSeqs(db, session);
                assertThat(seqs).as("events numbered without gaps or repeats").containsExactlyElementsOf(
                        LongStream.range(0, seqs.size()).boxed().toList());
                String prefix = "evt_" + session.substring("sess_".length()) + "_";
                assertThat(replayedEventIds(survivor.baseUrl(), session, seqs.size() - 1)).as("the stream replayed after the first event")
                        .containsExactlyElementsOf(LongStream.range(1, seqs.size()).mapToObj(seq -> prefix + seq).toList());
                assertThat(upstream.started()).isEqualTo(2);
                assertThat(ledgerStatuses(db, session)).containsExactlyInAnyOrder("interrupted", "completed");
            }
        }
    }

    private QuarryProcess node(String name, String store, SlowChatUpstream upstream) {
        try {
            Path home = Files.createDirectories(dir.resolve(name));
            Path config = Files.writeString(home.resolve("quarry.yaml"), upstream.modelConfig() + """
                    store: { url: "%s" }
                    agents: { node: %s, lease_seconds: 3 }
                    """.formatted(store, name));
            return QuarryProcess.start(home, config, QuarryProcess.freePort());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The user's message once, the answer made again in full once, and at most the interrupted attempt's part, kept as incomplete. */
    private static void assertOneAnswer(String url, String session) {
        List<JsonNode> items = items(url, session);
        assertThat(items).filteredOn(i -> i.path("role").asText().equals("user")).hasSize(1);
        List<JsonNode> said = items.stream().filter(i -> i.path("role").asText().equals("assistant")).toList();
        assertThat(said).filteredOn(i -> i.path("status").asText().equals("completed")).singleElement()
                .satisfies(i -> assertThat(text(i)).isEqualTo("w0 w1 w2 w3 w4 w5 "));
        assertThat(said).filteredOn(i -> !i.path("status").asText().equals("completed"))
                .allSatisfy(i -> assertThat(i.path("status").asText()).isEqualTo("incomplete")).hasSizeLessThanOrEqualTo(1);
        assertThat(items).hasSize(1 + said.size());
    }

    /** The ids of the first {@code count} events a client reconnecting with the session's first event id is sent. */
    private static List<String> replayedEventIds(String url, String session, int count) throws Exception {
        String first = "evt_" + session.substring("sess_".length()) + "_0";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/agents/sessions/" + session + "/events"))
                .header("Authorization", "Bearer " + KEY).header("Last-Event-ID", first).timeout(PATIENCE).build();
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        try (Stream<String> lines = response.body()) {
            // The stream follows the session after the replay: read what was replayed, then hang up.
            return CompletableFuture.supplyAsync(() -> lines.filter(l -> l.startsWith("id: ")).map(l -> l.substring(4)).limit(count).toList())
                    .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static String echoWith(String tool) {
        return "{\"agent\": {\"model\": \"quarry/echo\", \"tools\": [" + tool + "]}}";
    }

    private static String mcp(String label, StubMcpServer server, String extra) {
        return "{\"type\": \"mcp\", \"server_label\": \"" + label + "\", \"transport\": {\"type\": \"http\", \"server_url\": \"" + server.url()
                + "\"}, \"allowed_tools\": [\"slow\"]" + extra + "}";
    }

    private static String session(String url, String body) {
        return JsonCalls.send(url, "POST", "/v1/agents/sessions", KEY, body).expect(200).path("id").asText();
    }

    private static void say(String url, String session, String text) {
        JsonCalls.send(url, "POST", "/v1/agents/sessions/" + session + "/events", KEY,
                "{\"events\": [{\"type\": \"agent.session.input.message\", \"input\": \"" + text.replace("\"", "\\\"") + "\"}]}").expect(202);
    }

    private static boolean idle(String url, String session) {
        return JsonCalls.send(url, "GET", "/v1/agents/sessions/" + session, KEY, null).expect(200).path("status").asText().equals("idle");
    }

    private static List<JsonNode> items(String url, String session) {
        return list(url, "/v1/agents/sessions/" + session + "/items?order=asc&limit=100");
    }

    private static List<String> turnStatuses(String url, String session) {
        return list(url, "/v1/agents/sessions/" + session + "/turns").stream().map(t -> t.path("status").asText()).toList();
    }

    private static List<JsonNode> list(String url, String path) {
        JsonNode data = JsonCalls.send(url, "GET", path, KEY, null).expect(200).path("data");
        return StreamSupport.stream(data.spliterator(), false).toList();
    }

    private static JsonNode mcpCall(String url, String session) {
        return items(url, session).stream().filter(i -> i.path("type").asText().equals("mcp_call")).reduce((x, y) -> {
            throw new AssertionError("more than one MCP call item: " + x + ", " + y);
        }).orElseThrow();
    }

    private static String lastAnswer(String url, String session) {
        return text(items(url, session).stream().filter(i -> i.path("role").asText().equals("assistant")).reduce((x, y) -> y).orElseThrow());
    }

    private static String text(JsonNode message) {
        return message.path("content").path(0).path("text").asText();
    }

    private static List<String> ledgerStatuses(Database db, String session) {
        return strings(db, "SELECT status FROM usage_ledger WHERE session_id = ?", session);
    }

    private static String leaseOwner(Database db, String session) {
        return strings(db, "SELECT lease_owner FROM agent_turns WHERE session_id = ?", session).getFirst();
    }

    private static List<Long> eventSeqs(Database db, String session) {
        return strings(db, "SELECT seq FROM agent_events WHERE session_id = ? ORDER BY seq", session).stream().map(Long::valueOf).toList();
    }

    private static List<String> strings(Database db, String sql, String session) {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, session);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) out.add(r.getString(1));
                }
            }
            return out;
        });
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, condition, () -> "");
    }

    private static void await(String what, BooleanSupplier condition, Supplier<String> state) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + PATIENCE.toSeconds() + " s: " + what + " " + state.get());
            Thread.sleep(50);
        }
    }
}
