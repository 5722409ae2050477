package dev.quarry.agents.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.model.SavedAgent;
import dev.quarry.agents.model.Session;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Saved agents' versions and sessions in the store, on SQLite and PostgreSQL. */
class AgentStoreTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void versionsAreWrittenOnceEachAndStayReadableAfterDelete(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            AgentStore agents = new AgentStore(db);
            SavedAgent v1 = agents.create(Ids.next(Ids.AGENT, 1_000), "owner", new AgentSpec("a", "quarry/echo", "one"), Map.of("k", "v"), 1_000);
            SavedAgent v2 = agents.addVersion(v1, new AgentSpec("a", "quarry/echo", "two"), Map.of(), 2_000).orElseThrow();
            assertThat(v2.version()).isEqualTo(2);
            // A second writer that read version 1 too loses: it must read again, and no version is written twice.
            assertThat(agents.addVersion(v1, new AgentSpec("a", "quarry/echo", "lost"), Map.of(), 3_000)).isEmpty();
            assertThat(agents.find(v1.id()).orElseThrow().spec().instructions()).isEqualTo("two");
            assertThat(agents.version(v1.id(), 1).orElseThrow().metadata()).containsEntry("k", "v");

            assertThat(agents.delete(v1.id(), 4_000)).isTrue();
            assertThat(agents.delete(v1.id(), 5_000)).isFalse();
            assertThat(agents.find(v1.id())).isEmpty();
            assertThat(agents.addVersion(v2, new AgentSpec("a", "quarry/echo", "after"), Map.of(), 6_000)).isEmpty();
            assertThat(agents.version(v1.id(), 2).orElseThrow().spec().instructions()).isEqualTo("two");
            assertThat(agents.list("owner", new ListQuery(null, 10, true, null)).data()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void sessionsListByOwnerInIdOrderWithoutTheDeleted(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            SessionStore sessions = new SessionStore(db);
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String owner = i == 2 ? "other" : "me";
                Session s = new Session(Ids.next(Ids.SESSION, 10_000), owner, null, null, "test", null, null,
                        new AgentSpec(null, "quarry/echo", null), Map.of("i", "" + i), Session.IDLE, null, 10_000, 10_000, null, null);
                sessions.insert(s);
                if (owner.equals("me")) mine.add(s.id());
            }
            var all = sessions.list("me", null, new ListQuery(null, 10, true, null));
            assertThat(all.data()).extracting(Session::id).containsExactlyElementsOf(mine);
            assertThat(all.hasMore()).isFalse();
            var page = sessions.list("me", null, new ListQuery(mine.get(2), 1, false, null));
            assertThat(page.data()).extracting(Session::id).containsExactly(mine.get(1));
            assertThat(page.hasMore()).isTrue();

            Session first = sessions.find(mine.get(0)).orElseThrow();
            Session luna = first.withChange(first.spec().withModel("gpt-6-luna"), Map.of(), 5_000_000L, 20_000);
            assertThat(sessions.update(first, luna)).isTrue();
            // A writer that read the session before that change does not overwrite it.
            assertThat(sessions.update(first, first.withChange(first.spec(), Map.of("late", "x"), null, 25_000))).isFalse();
            assertThat(sessions.find(mine.get(0)).orElseThrow().spec().model()).isEqualTo("gpt-6-luna");
            assertThat(sessions.find(mine.get(0)).orElseThrow().spendLimitMicros()).isEqualTo(5_000_000L);
            assertThat(sessions.delete(mine.get(0), 30_000)).isTrue();
            assertThat(sessions.find(mine.get(0))).isEmpty();
            assertThat(sessions.update(luna, luna)).isFalse();
            assertThat(sessions.list("me", null, new ListQuery(null, 10, true, null)).data()).extracting(Session::id)
                    .containsExactlyElementsOf(mine.subList(1, 3));
        }
    }

    @Test
    void idsAreTimeOrderedAndStrictlyIncreasingWithinAMillisecond() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) ids.add(Ids.next(Ids.SESSION, 50_000_000));
        ids.add(Ids.next(Ids.SESSION, 50_000_001));
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(ids).allSatisfy(id -> assertThat(id).matches("sess_[0-9A-HJKMNP-TV-Z]{26}"));
        // A clock that steps back still gives a larger id than the last.
        String after = Ids.next(Ids.SESSION, 40_000_000);
        assertThat(after).isGreaterThan(ids.getLast());
    }
}
