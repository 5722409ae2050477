package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.NotFoundException;
import com.openai.models.beta.agents.Agent;
import com.openai.models.beta.agents.AgentCreateParams;
import com.openai.models.beta.agents.AgentListParams;
import com.openai.models.beta.agents.AgentSession;
import com.openai.models.beta.agents.AgentUpdateParams;
import com.openai.models.beta.agents.sessions.SessionCreateParams;
import com.openai.models.beta.agents.sessions.SessionListPage;
import com.openai.models.beta.agents.sessions.SessionListParams;
import com.openai.models.beta.agents.sessions.SessionUpdateParams;
import dev.quarry.testing.TestQuarry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Agents API's sessions and saved agents through the official OpenAI Java SDK
 * ({@code client.beta().agents()}), on SQLite and on PostgreSQL: create without input, retrieve,
 * update, list with {@code after}/{@code limit}/{@code order} and {@code has_more}, delete; saved
 * agents' versions and the version a session pins; another principal's session is a 404.
 */
class AgentSessionsSdkTest {
    private static final Map<String, TestQuarry> SERVERS = new ConcurrentHashMap<>();

    static TestQuarry quarry(String target) {
        return SERVERS.computeIfAbsent(target, TestQuarry::startOn);
    }

    static OpenAIClient client(TestQuarry quarry, String principal) {
        return OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/v1").apiKey(quarry.newKey(principal)).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(TestQuarry::close);
        SERVERS.clear();
    }

    private static SessionCreateParams inline(String model, String instructions, Map<String, String> metadata) {
        SessionCreateParams.Metadata.Builder meta = SessionCreateParams.Metadata.builder();
        metadata.forEach((k, v) -> meta.putAdditionalProperty(k, JsonValue.from(v)));
        return SessionCreateParams.builder().environmentNone()
                .agent(SessionCreateParams.Agent.builder().model(model).instructions(instructions).build())
                .metadata(meta.build()).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aSessionIsCreatedReadUpdatedAndDeletedThroughTheSdk(String target) {
        TestQuarry quarry = quarry(target);
        OpenAIClient client = client(quarry, "crud-" + target);
        var sessions = client.beta().agents().sessions();

        AgentSession created = sessions.create(inline("quarry/echo", "Be brief.", Map.of("team", "red")));
        assertThat(created.id()).startsWith("sess_").hasSize(5 + 26);
        assertThat(created.status()).isEqualTo(AgentSession.Status.IDLE);
        assertThat(created.agent().model()).isEqualTo("quarry/echo");
        assertThat(created.agent().instructions()).contains("Be brief.");
        assertThat(created.metadata()._additionalProperties()).containsEntry("team", JsonValue.from("red"));
        assertThat(created.requiredActions()).isEmpty();
        assertThat(created.environment().isNone()).isTrue();

        AgentSession read = sessions.retrieve(created.id());
        assertThat(read.id()).isEqualTo(created.id());
        assertThat(read.agent().model()).isEqualTo("quarry/echo");
        assertThat(read.createdAt()).isEqualTo(created.createdAt());

        AgentSession updated = sessions.update(created.id(), SessionUpdateParams.builder()
                .agent(SessionUpdateParams.Agent.builder().model("gpt-6-luna").build())
                .metadata(SessionUpdateParams.Metadata.builder().putAdditionalProperty("team", JsonValue.from("blue"))
                        .putAdditionalProperty("stage", JsonValue.from("2")).build())
                .build());
        assertThat(updated.agent().model()).isEqualTo("gpt-6-luna");
        assertThat(updated.agent().instructions()).contains("Be brief.");
        assertThat(updated.metadata()._additionalProperties()).containsOnly(Map.entry("team", JsonValue.from("blue")),
                Map.entry("stage", JsonValue.from("2")));
        assertThat(sessions.retrieve(created.id()).agent().model()).isEqualTo("gpt-6-luna");

        var deleted = sessions.delete(created.id());
        assertThat(deleted.id()).isEqualTo(created.id());
        assertThat(deleted.deleted()).isTrue();
        assertThatThrownBy(() -> sessions.retrieve(created.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> sessions.delete(created.id())).isInstanceOf(NotFoundException.class);
        assertThat(sessions.list().data()).extracting(AgentSession::id).doesNotContain(created.id());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void sessionsPageInBothOrdersWithAfterAndHasMore(String target) {
        TestQuarry quarry = quarry(target);
        var sessions = client(quarry, "pager-" + target).beta().agents().sessions();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) ids.add(sessions.create(inline("quarry/echo", "n" + i, Map.of())).id());
        assertThat(ids).isSorted();

        // Newest first by default.
        SessionListPage first = sessions.list(SessionListParams.builder().limit(2).build());
        assertThat(first.data()).extracting(AgentSession::id).containsExactly(ids.get(4), ids.get(3));
        assertThat(first.hasMore()).contains(true);
        assertThat(first.response().firstId()).contains(ids.get(4));
        assertThat(first.response().lastId()).contains(ids.get(3));
        SessionListPage second = sessions.list(SessionListParams.builder().limit(2).after(ids.get(3)).build());
        assertThat(second.data()).extracting(AgentSession::id).containsExactly(ids.get(2), ids.get(1));
        assertThat(second.hasMore()).contains(true);
        SessionListPage last = sessions.list(SessionListParams.builder().limit(2).after(ids.get(1)).build());
        assertThat(last.data()).extracting(AgentSession::id).containsExactly(ids.get(0));
        assertThat(last.hasMore()).contains(false);

        // Oldest first, and the SDK's own pager walks every page.
        SessionListPage asc = sessions.list(SessionListParams.builder().limit(3).order(SessionListParams.Order.ASC).build());
        assertThat(asc.data()).extracting(AgentSession::id).containsExactlyElementsOf(ids.subList(0, 3));
        assertThat(asc.hasMore()).contains(true);
        SessionListPage ascNext = sessions.list(SessionListParams.builder().limit(3).order(SessionListParams.Order.ASC).after(ids.get(2)).build());
        assertThat(ascNext.data()).extracting(AgentSession::id).containsExactlyElementsOf(ids.subList(3, 5));
        assertThat(ascNext.hasMore()).contains(false);
        List<String> walked = new ArrayList<>();
        asc.autoPager().forEach(s -> walked.add(s.id()));
        assertThat(walked).containsExactlyElementsOf(ids);

        // Exactly a page: no more.
        assertThat(sessions.list(SessionListParams.builder().limit(5).build()).hasMore()).contains(false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aSavedAgentIsVersionedAndASessionKeepsTheVersionItWasCreatedFrom(String target) {
        TestQuarry quarry = quarry(target);
        OpenAIClient client = client(quarry, "saver-" + target);
        var agents = client.beta().agents();

        Agent v1 = agents.create(AgentCreateParams.builder().model("quarry/echo").name("helper").instructions("First.")
                .metadata(AgentCreateParams.Metadata.builder().putAdditionalProperty("owner", JsonValue.from("ops")).build()).build());
        assertThat(v1.id()).startsWith("agent_");
        assertThat(v1._additionalProperties().get("version")).isEqualTo(JsonValue.from(1));
        assertThat(v1.name()).contains("helper");

        AgentSession pinned = agents.sessions().create(SessionCreateParams.builder().environmentNone().agentId(v1.id()).build());
        assertThat(pinned.agent().id()).isEqualTo(v1.id());
        assertThat(pinned.agent().instructions()).contains("First.");
        assertThat(pinned._additionalProperties().get("agent_version")).isEqualTo(JsonValue.from(1));

        Agent v2 = agents.update(v1.id(), AgentUpdateParams.builder().instructions("Second.").model("gpt-6-luna").build());
        assertThat(v2.id()).isEqualTo(v1.id());
        assertThat(v2._additionalProperties().get("version")).isEqualTo(JsonValue.from(2));
        assertThat(v2.instructions()).contains("Second.");
        assertThat(v2.model()).isEqualTo("gpt-6-luna");
        assertThat(v2.name()).contains("helper");
        assertThat(v2.metadata()._additionalProperties()).containsEntry("owner", JsonValue.from("ops"));
        assertThat(agents.retrieve(v1.id()).instructions()).contains("Second.");

        // The session made from version 1 still runs version 1; a new one gets version 2.
        AgentSession old = agents.sessions().retrieve(pinned.id());
        assertThat(old.agent().instructions()).contains("First.");
        assertThat(old.agent().model()).isEqualTo("quarry/echo");
        AgentSession fresh = agents.sessions().create(SessionCreateParams.builder().environmentNone().agentId(v1.id()).build());
        assertThat(fresh.agent().instructions()).contains("Second.");
        assertThat(fresh._additionalProperties().get("agent_version")).isEqualTo(JsonValue.from(2));
        assertThat(agents.sessions().list(SessionListParams.builder().agentId(v1.id()).order(SessionListParams.Order.ASC).build()).data())
                .extracting(AgentSession::id).containsExactly(pinned.id(), fresh.id());

        Agent other = agents.create(AgentCreateParams.builder().model("quarry/echo").build());
        assertThat(agents.list(AgentListParams.builder().order(AgentListParams.Order.ASC).build()).data()).extracting(Agent::id)
                .containsExactly(v1.id(), other.id());
        assertThat(agents.list(AgentListParams.builder().limit(1).build()).data()).extracting(Agent::id).containsExactly(other.id());

        assertThat(agents.delete(v1.id()).deleted()).isTrue();
        assertThatThrownBy(() -> agents.retrieve(v1.id())).isInstanceOf(NotFoundException.class);
        assertThat(agents.sessions().retrieve(pinned.id()).agent().instructions()).contains("First.");
        assertThatThrownBy(() -> agents.sessions().create(SessionCreateParams.builder().environmentNone().agentId(v1.id()).build()))
                .isInstanceOf(NotFoundException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void anotherPrincipalsSessionsAndAgentsAreNotFound(String target) {
        TestQuarry quarry = quarry(target);
        var alice = client(quarry, "alice-" + target).beta().agents();
        var bob = client(quarry, "bob-" + target).beta().agents();
        AgentSession session = alice.sessions().create(inline("quarry/echo", "mine", Map.of()));
        Agent agent = alice.create(AgentCreateParams.builder().model("quarry/echo").build());

        assertThatThrownBy(() -> bob.sessions().retrieve(session.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> bob.sessions().update(session.id(), SessionUpdateParams.builder()
                .metadata(SessionUpdateParams.Metadata.builder().putAdditionalProperty("x", JsonValue.from("y")).build()).build()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> bob.sessions().delete(session.id())).isInstanceOf(NotFoundException.class);
        assertThat(bob.sessions().list().data()).isEmpty();
        assertThatThrownBy(() -> bob.retrieve(agent.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> bob.update(agent.id(), AgentUpdateParams.builder().name("taken").build())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> bob.delete(agent.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> bob.sessions().create(SessionCreateParams.builder().environmentNone().agentId(agent.id()).build()))
                .isInstanceOf(NotFoundException.class);
        assertThat(bob.list().data()).isEmpty();

        // Alice's things are untouched.
        assertThat(alice.sessions().retrieve(session.id()).metadata()._additionalProperties()).isEmpty();
        assertThat(alice.retrieve(agent.id())._additionalProperties().get("version")).isEqualTo(JsonValue.from(1));
    }
}
