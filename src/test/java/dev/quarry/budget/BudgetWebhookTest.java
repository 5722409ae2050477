package dev.quarry.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestQuarry;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A budget's webhook cannot aim Quarry at its own network, unless the operator opts in, and the
 * credentials a webhook URL may carry are never shown back.
 */
class BudgetWebhookTest {
    private static final List<String> INTERNAL = List.of("127.0.0.1", "127.9.9.9", "::1", "169.254.169.254", "fe80::1", "10.1.2.3",
            "172.16.5.4", "172.31.255.255", "192.168.0.10", "fc00::1", "fd12:3456::1", "100.64.0.1", "0.0.0.0", "::", "224.0.0.1",
            "::ffff:127.0.0.1", "::127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::", "2002:7f00:1::1", "2001:0:4136:e378::1",
            "64:ff9b:1::a", "192.0.0.8", "198.18.0.1", "198.19.255.255", "240.0.0.1", "255.255.255.255");
    private static final List<String> PUBLIC = List.of("8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2001:4860:4860::8888",
            "2002:0808:0808::", "198.20.0.1", "223.255.255.1");

    @Test
    void internalAddressesAreToldFromPublicOnes() throws Exception {
        for (String address : INTERNAL) assertThat(WebhookTargets.internal(InetAddress.getByName(address))).as(address).isTrue();
        for (String address : PUBLIC) assertThat(WebhookTargets.internal(InetAddress.getByName(address))).as(address).isFalse();
    }

    @Test
    void aWebhookToAnInternalAddressIsRefusedWhenDefinedUnlessTheOperatorOptsIn() {
        try (Database db = Database.open(StoreTargets.freshUrl("sqlite"))) {
            BudgetStore strict = new BudgetStore(db, Clock.systemUTC(), WebhookTargets.PUBLIC);
            for (String url : List.of("http://127.0.0.1:8080/hook", "http://localhost/hook", "http://169.254.169.254/latest/meta-data",
                    "https://[::1]/hook", "http://10.0.0.7/hook", "http://[fd00::7]/hook", "http://[2002:a9fe:a9fe::]/")) {
                assertThatThrownBy(() -> strict.create(draft("b-" + Math.abs(url.hashCode()), url)))
                        .as(url).isInstanceOfSatisfying(QuarryException.class, e -> {
                            assertThat(e.error().param()).isEqualTo("webhook_url");
                            assertThat(e.getMessage()).contains("internal address", WebhookTargets.ALLOW_INTERNAL_ENV);
                        });
            }
            assertThatThrownBy(() -> strict.create(draft("ftp", "ftp://hooks.example/x"))).hasMessageContaining("http or https");
            assertThat(strict.list()).isEmpty();

            BudgetStore optedIn = new BudgetStore(db, Clock.systemUTC(), WebhookTargets.from(Map.of(WebhookTargets.ALLOW_INTERNAL_ENV, "true")::get));
            assertThat(optedIn.create(draft("internal", "http://127.0.0.1:8080/hook")).webhook()).hasHost("127.0.0.1");
        }
    }

    @Test
    void aNameThatResolvesInwardWhenAnAlertIsSentIsNotSentTo() throws Exception {
        assertThat(WebhookTargets.PUBLIC.refusalBeforeSending(URI.create("http://localhost:9/hook"))).hasValueSatisfying(
                reason -> assertThat(reason).contains("'localhost' is an internal address"));
        assertThat(WebhookTargets.PUBLIC.refusalBeforeSending(URI.create("http://8.8.8.8/hook"))).isEmpty();
        assertThat(WebhookTargets.ANY.refusalBeforeSending(URI.create("http://localhost:9/hook"))).isEmpty();
    }

    @Test
    void credentialsInAWebhookUrlAreNeverShownBack() {
        try (TestQuarry quarry = TestQuarry.start()) {
            String secret = "https://alerts:hunter2@hooks.example/services/T000/B000/XXXXSECRET?token=abc123";
            JsonNode created = quarry.admin("POST", "/admin/budgets", """
                    {"name": "org", "scope": "organisation", "period": "month", "limit_usd": "50", "webhook_url": "%s"}""".formatted(secret))
                    .expect(201);
            String id = created.path("id").asText();
            List<JsonNode> reads = List.of(created, quarry.admin("GET", "/admin/budgets/" + id, null).expect(200),
                    quarry.admin("GET", "/admin/budgets/" + id + "/status", null).expect(200),
                    quarry.admin("GET", "/admin/budgets", null).expect(200).path("budgets").get(0));
            for (JsonNode read : reads) {
                assertThat(read.path("webhook_url").asText()).isEqualTo("https://hooks.example/***");
                assertThat(read.toString()).doesNotContain("hunter2", "XXXXSECRET", "abc123");
            }
        }
    }

    private static BudgetDraft draft(String name, String webhook) {
        return new BudgetDraft(name, "organisation", "month", null, null, "10", List.of(50), webhook);
    }
}
