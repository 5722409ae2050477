package dev.quarry.testing;

import dev.quarry.canonical.Usage;
import dev.quarry.metering.UsageRecord;
import java.time.Instant;

/** Ledger records of requests routed to an A/B experiment's variants, for experiment report and feedback tests. */
public final class ExperimentTraffic {
    private ExperimentTraffic() {}

    /**
     * A request of {@code principal} that {@code model} served as {@code variant} of {@code experiment}
     * ({@code null} for none), ending with {@code status} after {@code latencyMillis}.
     */
    public static UsageRecord request(String id, String principal, String experiment, String variant, String model, String status,
                                      long latencyMillis, Long costMicros, String at) {
        return new UsageRecord(id, principal, "openai.chat", "chat", model, "p", model, new Usage(10, 5, 0, 0), latencyMillis, status,
                status.equals("completed") ? null : "UPSTREAM_ERROR", Instant.parse(at), "direct", costMicros,
                new UsageRecord.Routing(1, experiment, variant), null);
    }
}
