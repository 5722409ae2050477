package dev.quarry.audit;

import dev.quarry.store.StoredText;
import java.time.Instant;
import java.util.UUID;

/**
 * Bounds every field of an event before it reaches the writer (see {@link StoredText}), so no
 * event can fail its insert and no client can make a row cost more than a few hundred bytes.
 * Limits are UTF-8 bytes and fit the columns of {@code audit_events} on every store. The user
 * agent is kept well under its column: it is the one field an anonymous client fills freely.
 */
final class AuditFields {
    static final int EVENT_ID = 64;
    static final int PRINCIPAL_ID = 64;
    static final int PRINCIPAL_NAME = 200;
    static final int SOURCE_IP = 64;
    static final int USER_AGENT = 256;
    static final int ACTION = 100;
    static final int RESOURCE = 300;
    static final int DECISION = 20;
    static final int DECIDING_POLICY = 300;
    static final int REQUEST_ID = 64;
    static final int ERROR_CODE = 60;
    /** Session and turn ids are Quarry's own and never longer; the bound keeps that a fact the writer need not trust. */
    static final int SESSION_ID = 40;

    /** The action of the event that stands in the chain for one the store would not take. */
    static final String UNRECORDED = "quarry:AuditEventUnrecorded";
    /** The action of the event that counts events dropped while the store could not keep up. */
    static final String DROPPED = "quarry:AuditEventsDropped";
    /** The action of the event that records, at start-up, that the store ends before where the anchor says the chain ended. */
    static final String TRAIL_CUT = "quarry:AuditTrailCut";
    /** How a cut event's resource begins; the claim it found missing follows, then what the store held. */
    static final String TRAIL_CUT_RESOURCE = "audit/cut/expected/";
    /** The action of the event by which a writer says that rows of the chain are not its own: it continued after them. */
    static final String ROWS_ADOPTED = "quarry:AuditRowsAdopted";
    /** How an adoption event's resource begins; {@code first-last} follows. */
    static final String ROWS_ADOPTED_RESOURCE = "audit/seq/";

    private AuditFields() {}

    static AuditEvent fit(AuditEvent e) {
        return new AuditEvent(StoredText.fit(e.eventId(), EVENT_ID), e.time(), StoredText.fit(e.principalId(), PRINCIPAL_ID),
                StoredText.fit(e.principalName(), PRINCIPAL_NAME), StoredText.fit(e.onBehalfOf(), PRINCIPAL_NAME),
                StoredText.fit(e.sourceIp(), SOURCE_IP),
                StoredText.fit(e.userAgent(), USER_AGENT), StoredText.fit(e.action(), ACTION), StoredText.fit(e.resource(), RESOURCE),
                StoredText.fit(e.decision(), DECISION), StoredText.fit(e.decidingPolicy(), DECIDING_POLICY),
                StoredText.fit(e.requestId(), REQUEST_ID), StoredText.fit(e.errorCode(), ERROR_CODE),
                StoredText.fit(e.sessionId(), SESSION_ID), StoredText.fit(e.turnId(), SESSION_ID));
    }

    /**
     * What takes the place of an event the store refused even alone: nothing of the original but
     * its time, so it is always insertable, and the chain stays whole and verifiable.
     */
    static AuditEvent unrecorded(AuditEvent refused) {
        return new AuditEvent(UUID.randomUUID().toString(), refused.time(), null, null, null, null, UNRECORDED, "audit/event",
                "error", null, null, "UNRECORDABLE");
    }

    /** Says that {@code count} events were dropped because the queue was full (the store down or too slow). */
    static AuditEvent dropped(Instant at, long count) {
        return new AuditEvent(UUID.randomUUID().toString(), at, null, null, null, null, DROPPED, "audit/dropped/" + count,
                "error", null, null, "QUEUE_FULL");
    }

    /**
     * Says that the store ended at {@code storedSeq} when the anchor (its tail, or its newest digest)
     * says event {@code expectedSeq} with hash {@code expectedHash} was written: the trail was cut
     * while Quarry was down. Written into the chain, the evidence outlives the anchor's tail.
     */
    static AuditEvent trailCut(Instant at, long expectedSeq, String expectedHash, long storedSeq, String storedHash) {
        return new AuditEvent(UUID.randomUUID().toString(), at, null, null, null, null, TRAIL_CUT,
                cutClaim(expectedSeq, expectedHash) + "stored/" + storedSeq + ":" + storedHash, "error", null, null, "TRAIL_CUT");
    }

    /** The part of a cut event's resource that names the missing claim, so a restart does not record the same cut twice. */
    static String cutClaim(long expectedSeq, String expectedHash) {
        return TRAIL_CUT_RESOURCE + expectedSeq + ":" + expectedHash + "/";
    }

    /**
     * Says that events {@code first..last} were in the store when this writer continued the chain
     * after them, and it did not write them: another node did, or someone with access to the store.
     */
    static AuditEvent rowsAdopted(Instant at, long first, long last) {
        return new AuditEvent(UUID.randomUUID().toString(), at, null, null, null, null, ROWS_ADOPTED,
                ROWS_ADOPTED_RESOURCE + first + "-" + last, "allow", null, null, null);
    }
}
