package dev.quarry.agents.model;

import java.util.List;

/**
 * A session as the API shows it: with the function calls it waits for ({@code required_actions})
 * and its turns' usage summed.
 */
public record SessionView(Session session, List<Item> pending, TurnUsage usage) {
    public SessionView {
        pending = List.copyOf(pending);
    }
}
