package dev.quarry.agents.runtime;

import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.Item;
import dev.quarry.canonical.ContentBlock;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The ids of a model's tool calls, as the session keeps them: unique in the session (an
 * application answers a call by its id, and a call's result is found by it), and an id a client
 * can send back. A model's own id is kept when it is one; otherwise Quarry gives the call an id of
 * its own. Models reuse ids across answers (local servers number them {@code call_0},
 * {@code call_1}… per answer), and the model reads the calls back with the ids kept, so a new one
 * changes nothing it sees.
 */
final class CallIds {
    private static final String PREFIX = "call_";

    private CallIds() {}

    /** The call ids already in the session's items. */
    static Set<String> taken(List<Item> history) {
        Set<String> taken = new HashSet<>();
        history.stream().map(item -> item.body().callId()).filter(Objects::nonNull).forEach(taken::add);
        return taken;
    }

    /** {@code calls}, each with an id no other call of the session has, nor another of {@code calls}. */
    static List<ContentBlock.ToolUse> unique(List<ContentBlock.ToolUse> calls, Set<String> taken, long now) {
        Set<String> used = new HashSet<>(taken);
        return calls.stream().map(call -> {
            String id = Ids.wellFormed(call.id()) && !used.contains(call.id()) ? call.id() : Ids.next(PREFIX, now);
            used.add(id);
            return id.equals(call.id()) ? call : new ContentBlock.ToolUse(id, call.name(), call.input(), call.kind());
        }).toList();
    }
}
