package dev.quarry.metering;

import dev.quarry.canonical.Usage;
import java.time.Instant;
import java.util.Objects;

/**
 * What one request used and how it ended.
 *
 * @param status    {@code completed}, {@code failed} (an error, before or during the answer) or
 *                  {@code cancelled} (the client went away); usage counts what was produced
 * @param errorKind the canonical error kind when not completed, else {@code null}
 * @param platform  the price sheet platform of the provider that served, {@code null} when none did
 * @param costMicros what the usage cost by the price sheet, in US micro-dollars; {@code null} when
 *                  the model had no price on its platform that day (never a provider-reported cost)
 * @param routing   how it was routed: attempts made, and the experiment variant it belonged to
 * @param guarding  the guardrail it ran under and what that did
 * @param onBehalfOf for a call through an assumed role, the id of the principal that assumed it; else {@code null}
 */
public record UsageRecord(
        String requestId,
        String principalId,
        String onBehalfOf,
        String surface,
        String operation,
        String model,
        String provider,
        String upstreamModel,
        Usage usage,
        long latencyMillis,
        String status,
        String errorKind,
        Instant createdAt,
        String platform,
        Long costMicros,
        Routing routing,
        Guarding guarding) {

    /** The only currency costs are recorded in. */
    public static final String CURRENCY = "USD";

    public UsageRecord {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(principalId, "principalId");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(routing, "routing");
        guarding = guarding == null ? Guarding.NONE : guarding;
    }

    /** A record of a call its principal made for itself. */
    public UsageRecord(String requestId, String principalId, String surface, String operation, String model, String provider,
                       String upstreamModel, Usage usage, long latencyMillis, String status, String errorKind, Instant createdAt,
                       String platform, Long costMicros, Routing routing, Guarding guarding) {
        this(requestId, principalId, null, surface, operation, model, provider, upstreamModel, usage, latencyMillis, status, errorKind,
                createdAt, platform, costMicros, routing, guarding);
    }

    /**
     * @param attempts   upstream attempts made (retries and fallbacks included); 0 when refused before any
     * @param experiment the A/B experiment the request took part in, or {@code null}
     * @param variant    its variant in that experiment, or {@code null}
     */
    public record Routing(int attempts, String experiment, String variant) {}

    /**
     * @param guardrail the guardrail version ({@code id:version}), or {@code null} when none ran
     * @param action    {@code NONE}, or where it intervened and how ({@code INPUT_BLOCKED}, {@code OUTPUT_ANONYMIZED}, ...)
     */
    public record Guarding(String guardrail, String action) {
        public static final Guarding NONE = new Guarding(null, null);
    }
}
