package dev.quarry.agents.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.agents.model.Ids;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ToolKind;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A model's call ids as a session keeps them: its own when fit and unused, else Quarry's. */
class CallIdsTest {
    private static ContentBlock.ToolUse call(String id) {
        return new ContentBlock.ToolUse(id, "f", "{}", ToolKind.FUNCTION);
    }

    private static List<String> ids(List<ContentBlock.ToolUse> calls, Set<String> taken) {
        return CallIds.unique(calls, taken, 1_000L).stream().map(ContentBlock.ToolUse::id).toList();
    }

    @Test
    void aModelsOwnUnusedIdIsKept() {
        assertThat(ids(List.of(call("call_abc"), call("toolu_01X")), Set.of("call_old"))).containsExactly("call_abc", "toolu_01X");
    }

    @Test
    void anIdUsedEarlierInTheSessionOrTwiceInOneAnswerIsReplaced() {
        List<String> ids = ids(List.of(call("call_0"), call("call_1"), call("call_1")), Set.of("call_0"));
        assertThat(ids.get(1)).isEqualTo("call_1");
        assertThat(ids.get(0)).startsWith("call_").isNotEqualTo("call_0");
        assertThat(ids.get(2)).startsWith("call_").isNotEqualTo("call_1");
        assertThat(new HashSet<>(ids)).hasSize(3);
        assertThat(ids).allSatisfy(id -> assertThat(Ids.wellFormed(id)).isTrue());
    }

    @Test
    void anIdAClientCouldNotSendBackIsReplaced() {
        List<String> ids = ids(List.of(call(""), call("a\u0000b"), call("x".repeat(65)), call("call 1")), Set.of());
        assertThat(ids).allSatisfy(id -> assertThat(Ids.wellFormed(id)).as(id).isTrue());
        assertThat(new HashSet<>(ids)).hasSize(4);
    }
}
