package dev.quarry.agents.model;

import java.util.List;

/**
 * A session as the API shows it: with the function calls it waits for ({@code required_actions}),
 * its turns' usage summed, what its model calls cost ({@code spentMicros}, from the ledger), the
 * vaults it was created with, its environment's state ({@code null} for a session with none) and the
 * calls that wait for a person's approval.
 */
public record SessionView(Session session, List<Item> pending, TurnUsage usage, long spentMicros, List<String> vaultIds,
                          EnvironmentState environment, List<Approval> approvals) {
    public SessionView {
        pending = List.copyOf(pending);
        vaultIds = List.copyOf(vaultIds);
        approvals = List.copyOf(approvals);
    }
}
