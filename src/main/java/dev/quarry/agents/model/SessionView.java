package dev.quarry.agents.model;

import java.util.List;

/**
 * A session as the API shows it: with the function calls it waits for ({@code required_actions}),
 * its turns' usage summed, what its model calls cost ({@code spentMicros}, from the ledger), and the
 * vaults it was created with.
 */
public record SessionView(Session session, List<Item> pending, TurnUsage usage, long spentMicros, List<String> vaultIds) {
    public SessionView {
        pending = List.copyOf(pending);
        vaultIds = List.copyOf(vaultIds);
    }
}
