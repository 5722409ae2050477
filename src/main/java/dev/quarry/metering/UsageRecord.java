package dev.quarry.metering;

import dev.quarry.canonical.Usage;
import dev.quarry.store.StoredText;
import java.time.Instant;
import java.util.Objects;

/**
 * What one request used and how it ended. Its text fields are bounded to their ledger columns
 * when it is made ({@link StoredText}): a model name is whatever the client asked for, and no
 * client may make the ledger refuse a record.
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
 * @param sessionId the managed-agent session a call Quarry made for one belongs to; else {@code null}
 * @param turnId    the turn of that session; else {@code null}
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
        Guarding guarding,
        String sessionId,
        String turnId) {

    /** The only currency costs are recorded in. */
    public static final String CURRENCY = "USD";

    /** The model of a record stored in its reduced form, when the store refused the record as it was. */
    public static final String UNRECORDABLE = "(unrecordable)";

    /** The width of the {@code session_id} and {@code turn_id} columns. */
    private static final int SESSION_ID = 40;

    public UsageRecord {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(principalId, "principalId");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(routing, "routing");
        guarding = guarding == null ? Guarding.NONE : guarding;
        requestId = StoredText.fit(requestId, 64);
        principalId = StoredText.fit(principalId, 64);
        onBehalfOf = StoredText.fit(onBehalfOf, 64);
        surface = StoredText.fit(surface, 40);
        operation = StoredText.fit(operation, 20);
        model = StoredText.fit(model, 200);
        provider = StoredText.fit(provider, 100);
        upstreamModel = StoredText.fit(upstreamModel, 200);
        status = StoredText.fit(status, 20);
        errorKind = StoredText.fit(errorKind, 40);
        platform = StoredText.fit(platform, 40);
        sessionId = StoredText.fit(sessionId, SESSION_ID);
        turnId = StoredText.fit(turnId, SESSION_ID);
    }

    /**
     * This record with every descriptive text field cleared and the model marked {@link #UNRECORDABLE}:
     * who (and for whom, in which agent session), when, the outcome, the tokens and the money stay, so nobody's bill
     * and no session's sum loses a request.
     */
    public UsageRecord reduced() {
        return new UsageRecord(requestId, principalId, onBehalfOf, surface, operation, UNRECORDABLE, null, null, usage, latencyMillis, status, null,
                createdAt, platform, costMicros, new Routing(routing.attempts(), null, null), Guarding.NONE, sessionId, turnId);
    }

    /** A record of a call its principal made for itself, outside any agent session. */
    public UsageRecord(String requestId, String principalId, String surface, String operation, String model, String provider,
                       String upstreamModel, Usage usage, long latencyMillis, String status, String errorKind, Instant createdAt,
                       String platform, Long costMicros, Routing routing, Guarding guarding) {
        this(requestId, principalId, null, surface, operation, model, provider, upstreamModel, usage, latencyMillis, status, errorKind,
                createdAt, platform, costMicros, routing, guarding, null, null);
    }

    /**
     * @param attempts   upstream attempts made (retries and fallbacks included); 0 when refused before any
     * @param experiment the A/B experiment the request took part in, or {@code null}
     * @param variant    its variant in that experiment, or {@code null}
     */
    public record Routing(int attempts, String experiment, String variant) {
        public Routing {
            experiment = StoredText.fit(experiment, 128);
            variant = StoredText.fit(variant, 128);
        }
    }

    /**
     * @param guardrail the guardrail version ({@code id:version}), or {@code null} when none ran
     * @param action    {@code NONE}, or where it intervened and how ({@code INPUT_BLOCKED}, {@code OUTPUT_ANONYMIZED}, ...)
     */
    public record Guarding(String guardrail, String action) {
        public static final Guarding NONE = new Guarding(null, null);

        public Guarding {
            guardrail = StoredText.fit(guardrail, 80);
            action = StoredText.fit(action, 40);
        }
    }
}
