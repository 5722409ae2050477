package dev.quarry.agents.model;

import java.util.List;

/** One page of a list, and whether more entries follow it in the list's order. */
public record Page<T>(List<T> data, boolean hasMore) {
    public Page {
        data = List.copyOf(data);
    }
}
