package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.config.ConfigLoader;
import dev.quarry.server.Quarry;
import dev.quarry.testing.JsonCalls;
import dev.quarry.testing.TestQuarry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The guardrail admin API over HTTP with the bootstrap admin key: a guardrail is created as a
 * draft, published into immutable versions, its draft changed without touching them, listed, read
 * by version and deleted; config-file guardrails are the file's to change, and a restart with a
 * changed definition adds a version. ApplyGuardrail (bearer) shows what each version does.
 */
class GuardrailAdminTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CARD = "4539 1488 0343 6467";
    private static final String EMAIL = "john.doe@example.org";

    static TestQuarry quarry;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start("""
                guardrails:
                  - id: from-config
                    name: from-config
                    blockedInputMessaging: "Blocked by config."
                    blockedOutputsMessaging: "Withheld by config."
                    sensitiveInformationPolicyConfig:
                      piiEntitiesConfig: [{type: CREDIT_DEBIT_CARD_NUMBER, action: BLOCK}]
                """, Map.of());
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    private static String definition(String name, boolean withEmail) {
        return """
                {"name": "%s", "description": "Support assistant guardrail",
                 "blockedInputMessaging": "Support cannot take that.", "blockedOutputsMessaging": "Support answer withheld.",
                 "sensitiveInformationPolicyConfig": {"piiEntitiesConfig": [
                   {"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "BLOCK"}%s]}}""".formatted(name,
                withEmail ? ", {\"type\": \"EMAIL\", \"action\": \"ANONYMIZE\"}" : "");
    }

    @Test
    void aGuardrailIsDraftedPublishedChangedAndDeleted() {
        JsonNode created = call("POST", "/admin/guardrails", admin(), definition("support-bot", false), 201);
        assertThat(created.path("guardrailId").asText()).isEqualTo("support-bot");
        assertThat(created.path("name").asText()).isEqualTo("support-bot");
        assertThat(created.path("origin").asText()).isEqualTo("api");
        assertThat(versions(created)).containsExactly("DRAFT");

        // The draft is usable at once; no version is published yet.
        assertThat(apply("support-bot", "DRAFT", "card " + CARD, 200).path("outputs").get(0).path("text").asText())
                .isEqualTo("Support cannot take that.");
        JsonNode none = apply("support-bot", "1", "hi", 404);
        assertThat(none.path("message").asText()).contains("no version 1");

        JsonNode published = call("POST", "/admin/guardrails/support-bot/versions", admin(), null, 201);
        assertThat(published.path("guardrailId").asText()).isEqualTo("support-bot");
        assertThat(published.path("version").asText()).isEqualTo("1");
        assertThat(apply("support-bot", "1", "card " + CARD, 200).path("action").asText()).isEqualTo("GUARDRAIL_INTERVENED");

        // The draft gains EMAIL; version 1 is immutable and still lets emails through.
        JsonNode updated = call("PUT", "/admin/guardrails/support-bot", admin(), definition("support-bot", true), 200);
        assertThat(versions(updated)).containsExactly("1", "DRAFT");
        String mail = "mail " + EMAIL;
        assertThat(apply("support-bot", "1", mail, 200).path("action").asText()).isEqualTo("NONE");
        JsonNode draft = apply("support-bot", "DRAFT", mail, 200);
        assertThat(draft.path("action").asText()).isEqualTo("GUARDRAIL_INTERVENED");
        assertThat(draft.path("outputs").get(0).path("text").asText()).isEqualTo("mail {EMAIL}");

        assertThat(call("POST", "/admin/guardrails/support-bot/versions", admin(), null, 201).path("version").asText()).isEqualTo("2");
        assertThat(apply("support-bot", "2", mail, 200).path("outputs").get(0).path("text").asText()).isEqualTo("mail {EMAIL}");
        assertThat(apply("support-bot", "1", mail, 200).path("action").asText()).isEqualTo("NONE");

        JsonNode v1 = call("GET", "/admin/guardrails/support-bot?version=1", admin(), null, 200);
        assertThat(v1.path("version").asText()).isEqualTo("1");
        assertThat(piiTypes(v1.path("definition"))).containsExactly("CREDIT_DEBIT_CARD_NUMBER");
        assertThat(v1.path("definition").path("description").asText()).isEqualTo("Support assistant guardrail");
        JsonNode v2 = call("GET", "/admin/guardrails/support-bot?version=2", admin(), null, 200);
        assertThat(piiTypes(v2.path("definition"))).containsExactly("CREDIT_DEBIT_CARD_NUMBER", "EMAIL");
        JsonNode current = call("GET", "/admin/guardrails/support-bot", admin(), null, 200);
        assertThat(current.path("version").asText()).isEqualTo("DRAFT");
        assertThat(versions(current)).containsExactly("1", "2", "DRAFT");
        call("GET", "/admin/guardrails/support-bot?version=9", admin(), null, 404);
        call("GET", "/admin/guardrails/support-bot?version=latest", admin(), null, 400);

        JsonNode list = call("GET", "/admin/guardrails", admin(), null, 200).path("guardrails");
        JsonNode listed = find(list, "support-bot");
        assertThat(listed).as("listed: " + list).isNotNull();
        assertThat(versions(listed)).containsExactly("1", "2", "DRAFT");
        assertThat(find(list, "from-config").path("origin").asText()).isEqualTo("config");

        call("DELETE", "/admin/guardrails/support-bot", admin(), null, 204);
        assertThat(call("GET", "/admin/guardrails/support-bot", admin(), null, 404).path("error").path("code").asText()).isEqualTo("not_found");
        apply("support-bot", "1", "hi", 404);
        assertThat(find(call("GET", "/admin/guardrails", admin(), null, 200).path("guardrails"), "support-bot")).isNull();
        call("DELETE", "/admin/guardrails/support-bot", admin(), null, 404);
    }

    @Test
    void anExplicitIdIsKeptAndNamesAndIdsAreUnique() {
        JsonNode created = call("POST", "/admin/guardrails", admin(), withId("hr-v1", definition("hr-assistant", false)), 201);
        assertThat(created.path("guardrailId").asText()).isEqualTo("hr-v1");

        JsonNode sameName = call("POST", "/admin/guardrails", admin(), withId("hr-v2", definition("hr-assistant", false)), 400);
        assertThat(sameName.path("error").path("message").asText()).contains("hr-assistant", "already exists");
        JsonNode sameId = call("POST", "/admin/guardrails", admin(), withId("hr-v1", definition("hr-other", false)), 400);
        assertThat(sameId.path("error").path("message").asText()).contains("hr-v1", "already exists");
        // Renaming a draft onto another guardrail's name is refused too.
        call("POST", "/admin/guardrails", admin(), definition("finance", false), 201);
        JsonNode rename = call("PUT", "/admin/guardrails/finance", admin(), definition("hr-assistant", false), 400);
        assertThat(rename.path("error").path("message").asText()).contains("already exists");

        call("DELETE", "/admin/guardrails/hr-v1", admin(), null, 204);
        call("DELETE", "/admin/guardrails/finance", admin(), null, 204);
    }

    @Test
    void aConfigGuardrailCannotBeChangedThroughTheApi() {
        JsonNode stored = call("GET", "/admin/guardrails/from-config", admin(), null, 200);
        assertThat(stored.path("origin").asText()).isEqualTo("config");
        assertThat(versions(stored)).containsExactly("1", "DRAFT");

        for (JsonNode refused : List.of(
                call("PUT", "/admin/guardrails/from-config", admin(), definition("from-config", true), 400),
                call("DELETE", "/admin/guardrails/from-config", admin(), null, 400),
                call("POST", "/admin/guardrails/from-config/versions", admin(), null, 400))) {
            assertThat(refused.path("error").path("message").asText()).contains("defined in the config file");
        }
        assertThat(versions(call("GET", "/admin/guardrails/from-config", admin(), null, 200))).containsExactly("1", "DRAFT");
        assertThat(apply("from-config", "1", "card " + CARD, 200).path("outputs").get(0).path("text").asText()).isEqualTo("Blocked by config.");
    }

    @Test
    void onlyAdminsManageGuardrails() {
        String user = quarry.newKey("guardrail-admin-user");
        JsonNode create = call("POST", "/admin/guardrails", user, definition("sneaky", false), 403);
        assertThat(create.path("error").path("type").asText()).isEqualTo("permission_error");
        assertThat(create.path("error").path("message").asText()).contains("quarry:CreateGuardrail");
        assertThat(call("GET", "/admin/guardrails", user, null, 403).path("error").path("message").asText()).contains("quarry:ListGuardrails");
        assertThat(call("PUT", "/admin/guardrails/from-config", user, definition("from-config", false), 403)
                .path("error").path("message").asText()).contains("quarry:UpdateGuardrail");
        assertThat(call("DELETE", "/admin/guardrails/from-config", user, null, 403).path("error").path("message").asText())
                .contains("quarry:DeleteGuardrail");
        assertThat(call("POST", "/admin/guardrails/from-config/versions", user, null, 403).path("error").path("message").asText())
                .contains("quarry:CreateGuardrailVersion");
        call("GET", "/admin/guardrails/from-config", user, null, 403);
        call("GET", "/admin/guardrails/sneaky", admin(), null, 404);
        call("GET", "/admin/guardrails", "qk-not-a-real-key", null, 401);
    }

    @Test
    void aRestartWithAChangedConfigGuardrailAddsAVersionAndKeepsTheOld() throws IOException {
        Path dir = Files.createTempDirectory("quarry-guardrail-restart-");
        String cardOnly = """
                guardrails:
                  - id: evolving
                    name: evolving
                    blockedInputMessaging: "Evolving blocked."
                    blockedOutputsMessaging: "Evolving withheld."
                    sensitiveInformationPolicyConfig:
                      piiEntitiesConfig:
                        - {type: CREDIT_DEBIT_CARD_NUMBER, action: BLOCK}
                """;
        String withEmail = cardOnly + "        - {type: EMAIL, action: ANONYMIZE}\n";
        String mail = "mail " + EMAIL;

        try (Quarry first = start(cardOnly, dir)) {
            JsonNode g = call(first, "GET", "/admin/guardrails/evolving", null, 200);
            assertThat(versions(g)).containsExactly("1", "DRAFT");
            assertThat(call(first, "POST", "/guardrail/evolving/version/1/apply", applyBody(mail), 200).path("action").asText()).isEqualTo("NONE");
        }
        try (Quarry second = start(withEmail, dir)) {
            JsonNode g = call(second, "GET", "/admin/guardrails/evolving", null, 200);
            assertThat(versions(g)).containsExactly("1", "2", "DRAFT");
            assertThat(piiTypes(call(second, "GET", "/admin/guardrails/evolving?version=1", null, 200).path("definition")))
                    .containsExactly("CREDIT_DEBIT_CARD_NUMBER");
            assertThat(piiTypes(call(second, "GET", "/admin/guardrails/evolving?version=2", null, 200).path("definition")))
                    .containsExactly("CREDIT_DEBIT_CARD_NUMBER", "EMAIL");
            assertThat(call(second, "POST", "/guardrail/evolving/version/1/apply", applyBody(mail), 200).path("action").asText()).isEqualTo("NONE");
            assertThat(call(second, "POST", "/guardrail/evolving/version/2/apply", applyBody(mail), 200).path("outputs").get(0).path("text").asText())
                    .isEqualTo("mail {EMAIL}");
        }
        // The same definition again: nothing changed, so no new version.
        try (Quarry third = start(withEmail, dir)) {
            assertThat(versions(call(third, "GET", "/admin/guardrails/evolving", null, 200))).containsExactly("1", "2", "DRAFT");
        }
    }

    @Test
    void aGuardrailRemovedFromTheConfigFileIsNotLeftUndeletable() throws IOException {
        Path dir = Files.createTempDirectory("quarry-guardrail-removed-");
        String two = """
                guardrails:
                  - {id: kept, name: kept, blockedInputMessaging: "in", blockedOutputsMessaging: "out"}
                  - {id: dropped, name: dropped, blockedInputMessaging: "in", blockedOutputsMessaging: "out"}
                """;
        String one = """
                guardrails:
                  - {id: kept, name: kept, blockedInputMessaging: "in", blockedOutputsMessaging: "out"}
                """;
        try (Quarry first = start(two, dir)) {
            call(first, "GET", "/admin/guardrails/dropped", null, 200);
        }
        try (Quarry second = start(one, dir)) {
            JsonNode dropped = send("http://127.0.0.1:" + second.port(), "GET", "/admin/guardrails/dropped", second.admin().apiKey(), null, -1);
            if (!dropped.has("error")) {
                // Still stored: then it is no longer the file's, and the admin API must be able to remove it.
                call(second, "DELETE", "/admin/guardrails/dropped", null, 204);
            }
        }
    }

    @Test
    void aGuardrailCreatedWithAnUpperCaseIdIsReachableByTheIdItWasGiven() {
        JsonNode created = send(quarry.baseUrl(), "POST", "/admin/guardrails", admin(), withId("Mixed-Case", definition("mixed-case-name", false)), -1);
        if (created.has("error")) {
            assertThat(created.path("error").path("param").asText()).isEqualTo("id");
            return;
        }
        String id = created.path("guardrailId").asText();
        assertThat(apply(id, "DRAFT", "card " + CARD, 200).path("action").asText()).isEqualTo("GUARDRAIL_INTERVENED");
        call("GET", "/admin/guardrails/" + id, admin(), null, 200);
        call("DELETE", "/admin/guardrails/" + id, admin(), null, 204);
    }

    @Test
    void aConfigGuardrailWithAnUpperCaseIdIsReachable() throws IOException {
        Path dir = Files.createTempDirectory("quarry-guardrail-case-");
        String yaml = """
                guardrails:
                  - id: Upper
                    name: Upper
                    blockedInputMessaging: "Upper blocked."
                    blockedOutputsMessaging: "out"
                    sensitiveInformationPolicyConfig:
                      piiEntitiesConfig: [{type: CREDIT_DEBIT_CARD_NUMBER, action: BLOCK}]
                """;
        Quarry q;
        try {
            q = start(yaml, dir);
        } catch (dev.quarry.config.ConfigException refused) {
            assertThat(refused).hasMessageContaining("guardrails[0].id");
            return;
        }
        try (q) {
            JsonNode listed = call(q, "GET", "/admin/guardrails", null, 200).path("guardrails").get(0);
            String id = listed.path("guardrailId").asText();
            assertThat(call(q, "POST", "/guardrail/" + id + "/version/1/apply", applyBody("card " + CARD), 200)
                    .path("outputs").get(0).path("text").asText()).isEqualTo("Upper blocked.");
        }
    }

    // ---- helpers ----

    private static Quarry start(String yaml, Path dir) {
        return Quarry.start(ConfigLoader.parse(yaml, "test.yaml", dir).withPort(0), Map.<String, String>of()::get);
    }

    private static String applyBody(String text) {
        return JSON.createObjectNode().put("source", "INPUT").set("content",
                JSON.createArrayNode().add(JSON.createObjectNode().set("text", JSON.createObjectNode().put("text", text)))).toString();
    }

    private static JsonNode apply(String id, String version, String text, int status) {
        return call("POST", "/guardrail/" + id + "/version/" + version + "/apply", admin(), applyBody(text), status);
    }

    private static String withId(String id, String definition) {
        return "{\"id\": \"" + id + "\", " + definition.strip().substring(1);
    }

    private static List<String> versions(JsonNode summary) {
        List<String> out = new ArrayList<>();
        summary.path("versions").forEach(v -> out.add(v.asText()));
        return out;
    }

    private static List<String> piiTypes(JsonNode definition) {
        List<String> out = new ArrayList<>();
        definition.path("sensitiveInformationPolicyConfig").path("piiEntitiesConfig").forEach(e -> out.add(e.path("type").asText()));
        return out;
    }

    private static JsonNode find(JsonNode list, String id) {
        for (JsonNode g : list) if (g.path("guardrailId").asText().equals(id)) return g;
        return null;
    }

    private static String admin() {
        return quarry.adminKey();
    }

    private static JsonNode call(Quarry q, String method, String path, String body, int status) {
        return send("http://127.0.0.1:" + q.port(), method, path, q.admin().apiKey(), body, status);
    }

    private static JsonNode call(String method, String path, String apiKey, String body, int status) {
        return send(quarry.baseUrl(), method, path, apiKey, body, status);
    }

    /** One JSON call, asserting its status unless it is negative; the reply body as JSON (an empty object for none). */
    private static JsonNode send(String base, String method, String path, String apiKey, String body, int status) {
        JsonCalls.Reply reply = JsonCalls.send(base, method, path, apiKey, body);
        return status >= 0 ? reply.expect(status) : reply.json();
    }
}
