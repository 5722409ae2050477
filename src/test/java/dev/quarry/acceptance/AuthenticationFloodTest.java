package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.audit.AuditEvent;
import dev.quarry.audit.AuditQueries;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An anonymous client sending failed authentications, to the model API and the admin API alike,
 * costs a bounded number of audit rows a minute, and the rows still account for every failure.
 */
class AuthenticationFloodTest {
    private static final int SENT = 1_000;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void failedAuthenticationsFromOneSourceAreAggregatedAndStillAllCounted(String target) throws Exception {
        String url = StoreTargets.freshUrl(target);
        TestQuarry quarry = TestQuarry.start("store: { url: \"" + url + "\" }\n", Map.of());
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < SENT; i++) {
            String path = i % 2 == 0 ? "/v1/chat/completions" : "/admin/budgets";
            HttpRequest request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path)).header("Authorization", "Bearer qk-nobody-" + i)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
            assertThat(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
        }
        quarry.close(); // writes the count of the minute under way

        try (Database db = Database.open(url)) {
            List<AuditEvent> failures = new AuditQueries(db).find(null, null, null, null, null, AuditQueries.MAX_LIMIT).stream()
                    .filter(e -> "AUTHENTICATION".equals(e.errorCode())).toList();
            long accounted = failures.stream().mapToLong(AuthenticationFloodTest::failuresIn).sum();
            assertThat(accounted).isEqualTo(SENT);
            assertThat(failures).as("ten recorded singly and one summary per minute; the run may straddle a minute")
                    .hasSizeLessThanOrEqualTo(2 * 11);
            assertThat(failures).filteredOn(e -> e.action().equals("quarry:AuthenticationFailuresAggregated"))
                    .allSatisfy(e -> assertThat(e.resource()).startsWith("source/127.0.0.1/further/"));
        }
    }

    /**
     * The cover attack: ten junk failures a minute from one address first, then tries with a disabled
     * admin key from the same address. Each try is recorded as itself, with the key and its owner.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void triesWithADisabledKeyAreRecordedWithTheKeyHoweverManyJunkFailuresCameFirst(String target) throws Exception {
        String url = StoreTargets.freshUrl(target);
        TestQuarry quarry = TestQuarry.start("store: { url: \"" + url + "\" }\n", Map.of());
        IssuedKey revoked = quarry.quarry().identities().createKey("ops-admin", PrincipalKind.USER);
        quarry.admin("POST", "/admin/keys/" + revoked.keyId() + "/disable", null).expect(200);
        for (int i = 0; i < 30; i++) {
            assertThat(quarry.call("POST", "/v1/chat/completions", "qk-junk-" + i, "{}").status()).isEqualTo(401);
        }
        for (String path : List.of("/v1/chat/completions", "/admin/budgets", "/admin/keys")) {
            assertThat(quarry.call("POST", path, revoked.apiKey(), "{}").status()).isEqualTo(401);
        }
        quarry.close();

        try (Database db = Database.open(url)) {
            List<AuditEvent> tries = new AuditQueries(db).find(null, null, null, null, null, AuditQueries.MAX_LIMIT).stream()
                    .filter(e -> ("key/" + revoked.keyId()).equals(e.decidingPolicy())).toList();
            assertThat(tries).hasSize(3).allSatisfy(e -> {
                assertThat(e.principalId()).isEqualTo(revoked.principal().id());
                assertThat(e.principalName()).isEqualTo("ops-admin");
                assertThat(e.errorCode()).isEqualTo("AUTHENTICATION");
                assertThat(e.decision()).isEqualTo("deny");
                assertThat(e.action()).isNotEqualTo("quarry:AuthenticationFailuresAggregated");
            });
        }
    }

    private static long failuresIn(AuditEvent e) {
        if (!e.action().equals("quarry:AuthenticationFailuresAggregated")) return 1;
        return Long.parseLong(e.resource().substring(e.resource().lastIndexOf('/') + 1));
    }
}
