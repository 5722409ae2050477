package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.audit.AuditAnchor;
import dev.quarry.audit.AuditEvent;
import dev.quarry.audit.AuditQueries;
import dev.quarry.store.Database;
import dev.quarry.testing.QuarryCli;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Calls through a running Quarry land in the audit trail, which `quarry audit verify` proves intact, and then not. */
class AuditTrailAcceptanceTest {

    @Test
    void everyCallIsAuditedAndTheTrailVerifiesUntilTamperedWith() throws Exception {
        TestQuarry quarry = TestQuarry.start();
        String key = quarry.newKey("audited");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ok = http.send(chat(quarry, key, "quarry/echo"), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> unknownModel = http.send(chat(quarry, key, "nope"), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> stranger = http.send(chat(quarry, "qk-stranger", "quarry/echo"), HttpResponse.BodyHandlers.ofString());
        assertThat(List.of(ok.statusCode(), unknownModel.statusCode(), stranger.statusCode())).containsExactly(200, 404, 401);
        quarry.close(); // flushes the trail and signs a last digest

        try (Database db = Database.sqliteIn(quarry.dataDir())) {
            List<AuditEvent> mine = new AuditQueries(db).find("audited", null, null, null, null, 10);
            assertThat(mine).extracting(AuditEvent::decision, AuditEvent::resource, AuditEvent::errorCode)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("allow", "model/quarry/echo", null),
                            org.assertj.core.groups.Tuple.tuple("error", "model/nope", "MODEL_NOT_FOUND"));
            assertThat(mine).allSatisfy(e -> {
                assertThat(e.action()).isEqualTo("quarry:InvokeModel");
                assertThat(e.sourceIp()).isEqualTo("127.0.0.1");
                assertThat(e.requestId()).startsWith("req_");
            });
            List<AuditEvent> refused = new AuditQueries(db).find(null, null, null, null, null, 100).stream()
                    .filter(e -> e.principalId() == null).toList();
            assertThat(refused).singleElement().satisfies(e -> {
                assertThat(e.decision()).isEqualTo("deny");
                assertThat(e.errorCode()).isEqualTo("AUTHENTICATION");
                assertThat(e.requestId()).isEqualTo(stranger.headers().firstValue("x-request-id").orElseThrow());
            });
        }

        String data = quarry.dataDir().toString();
        QuarryCli.Output intact = QuarryCli.run("audit", "verify", "--data", data);
        assertThat(intact.code()).as(intact.stdout()).isZero();
        assertThat(intact.stdout()).contains("3 events", "The audit trail is intact.");

        try (Database db = Database.sqliteIn(quarry.dataDir())) {
            db.transaction(c -> {
                try (var s = c.createStatement()) {
                    return s.executeUpdate("UPDATE audit_events SET decision = 'allow' WHERE decision = 'deny'");
                }
            });
        }
        QuarryCli.Output tampered = QuarryCli.run("audit", "verify", "--data", data);
        assertThat(tampered.code()).isEqualTo(1);
        assertThat(tampered.stdout()).contains("TAMPERED: event", "was changed after it was written");
    }

    @Test
    void emptyingTheTrailIsCaughtAgainstTheAnchorOrACopyOfIt() throws Exception {
        TestQuarry quarry = TestQuarry.start();
        String key = quarry.newKey("audited");
        HttpClient http = HttpClient.newHttpClient();
        assertThat(http.send(chat(quarry, key, "quarry/echo"), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        quarry.close(); // the closing digest is anchored
        Path shipped = Files.createTempFile("shipped-anchor-", ".log");
        Files.copy(quarry.dataDir().resolve(AuditAnchor.FILE), shipped, StandardCopyOption.REPLACE_EXISTING);

        try (Database db = Database.sqliteIn(quarry.dataDir())) {
            db.transaction(c -> {
                try (var s = c.createStatement()) {
                    s.executeUpdate("DELETE FROM audit_events");
                    return s.executeUpdate("DELETE FROM audit_digests");
                }
            });
        }
        String data = quarry.dataDir().toString();
        for (QuarryCli.Output cut : List.of(QuarryCli.run("audit", "verify", "--data", data),
                QuarryCli.run("audit", "verify", "--data", data, "--anchor", shipped.toString()))) {
            assertThat(cut.code()).as(cut.stdout()).isEqualTo(1);
            assertThat(cut.stdout()).contains("0 events, 0 signed digests", "TAMPERED: digests 1..1 are missing",
                    "TAMPERED: events after seq 0 are missing: the anchor covers events up to 1");
        }
    }

    private static HttpRequest chat(TestQuarry quarry, String key, String model) {
        return HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
    }
}
