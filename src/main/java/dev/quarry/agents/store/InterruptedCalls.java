package dev.quarry.agents.store;

import dev.quarry.store.StoredText;
import java.sql.Connection;

/**
 * How the ledger bills the model calls a stopped node left in flight: whose they were, the model
 * asked for, and the prompt's estimated tokens in, nothing out (what was produced died with the
 * node; the resumed turn asks the model again, under a new request id, and the ledger shows both).
 *
 * @param surface the surface the calls went through, as the ledger names it
 */
public record InterruptedCalls(String principalId, String onBehalfOf, String surface, String model, long promptTokens) {
    public InterruptedCalls {
        principalId = StoredText.fit(principalId, 64);
        onBehalfOf = StoredText.fit(onBehalfOf, 64);
        surface = StoredText.fit(surface, 40);
        model = StoredText.fit(model, 200);
        promptTokens = Math.max(0, promptTokens);
    }

    /**
     * One {@code interrupted} ledger row per model attempt of {@code turnId} still marked started,
     * under the attempt's request id; a row the stopped node had already written (its call ended
     * just before the node did) is kept as it is.
     */
    void record(Connection c, String sessionId, String turnId, long now) {
        TurnRows.run(c, "INSERT INTO usage_ledger (request_id, principal_id, on_behalf_of, surface, operation, model, input_tokens, "
                + "output_tokens, cache_read_tokens, cache_write_tokens, latency_ms, status, created_at, attempts, session_id, turn_id) "
                + "SELECT request_id, ?, ?, ?, 'chat', ?, ?, 0, 0, 0, ? - started_at, 'interrupted', ?, 1, ?, turn_id FROM agent_attempts "
                + "WHERE turn_id = ? AND kind = 'model' AND status = 'started' ON CONFLICT (request_id) DO NOTHING", s -> {
            s.setString(1, principalId);
            s.setString(2, onBehalfOf);
            s.setString(3, surface);
            s.setString(4, model);
            s.setLong(5, promptTokens);
            s.setLong(6, now);
            s.setLong(7, now);
            s.setString(8, sessionId);
            s.setString(9, turnId);
        });
    }
}
