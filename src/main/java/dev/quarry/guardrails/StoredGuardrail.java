package dev.quarry.guardrails;

import java.time.Instant;
import java.util.SortedMap;

/**
 * A guardrail as the store holds it: its working draft and its published versions, by number.
 *
 * @param fromConfig whether the config file defines it (then the file, not the admin API, changes it)
 */
public record StoredGuardrail(String id, GuardrailSpec draft, SortedMap<Integer, GuardrailSpec> versions, boolean fromConfig,
                              Instant createdAt, Instant updatedAt) {
    public StoredGuardrail {
        versions = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(versions));
    }

    /** The definition of a version ({@code DRAFT} or a number), or {@code null} when there is no such version. */
    public GuardrailSpec version(String version) {
        if (GuardrailRef.DRAFT.equals(version)) return draft;
        return versions.get(Integer.valueOf(version));
    }

    /** The latest published version's number, or {@code null} when none was published. */
    public Integer latest() {
        return versions.isEmpty() ? null : versions.lastKey();
    }
}
