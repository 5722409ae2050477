package dev.quarry.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Session and turn ids are hashed only when present: events written before they existed keep the
 * hashes they were chained with (pinned below as the hashing before the fields were added gave
 * them), and an event of an agent session is bound to its ids.
 */
class AuditHashTest {
    private static final AuditEvent PLAIN = new AuditEvent("evt-1", Instant.parse("2026-12-01T10:00:00Z"), "p-ana", "ana", null, "10.0.0.7",
            "agent/1", "quarry:InvokeModel", "model/quarry/echo", "allow", "ModelAccess/Allow", "req_1", null, null, null);
    private static final AuditEvent THROUGH_A_ROLE = new AuditEvent("evt-2", Instant.parse("2026-12-01T10:00:01Z"), "p-deployer", "deployer",
            "ana", "10.0.0.7", "agent/1", "quarry:InvokeModel", "model/quarry/echo", "deny", null, "req_2", "PERMISSION_DENIED", null, null);

    @Test
    void eventsOutsideAgentSessionsHashAsTheyAlwaysHave() {
        assertThat(AuditHash.ofEvent(7, PLAIN, AuditHash.GENESIS)).isEqualTo("bea7ff0189e8e523c05754c1de7cbc13a800131d121aece9c007e7d2ba3af7fe");
        assertThat(AuditHash.ofEvent(8, THROUGH_A_ROLE, "ab".repeat(32)))
                .isEqualTo("1dba59a7cc6bf5511e75f49fa0adecff7e96907fd4175151f6e6a21e6ab17a22");
    }

    @Test
    void theSessionAndTurnOfAnEventAreHashed() {
        String inSession = AuditHash.ofEvent(7, inSession(PLAIN, "sesn_1", "turn_1"), AuditHash.GENESIS);
        assertThat(inSession).isNotEqualTo(AuditHash.ofEvent(7, PLAIN, AuditHash.GENESIS))
                .isNotEqualTo(AuditHash.ofEvent(7, inSession(PLAIN, "sesn_2", "turn_1"), AuditHash.GENESIS))
                .isNotEqualTo(AuditHash.ofEvent(7, inSession(PLAIN, "sesn_1", "turn_2"), AuditHash.GENESIS))
                .isNotEqualTo(AuditHash.ofEvent(7, inSession(PLAIN, "turn_1", "sesn_1"), AuditHash.GENESIS));
        String roleInSession = AuditHash.ofEvent(8, inSession(THROUGH_A_ROLE, "sesn_1", "turn_1"), AuditHash.GENESIS);
        assertThat(roleInSession).isNotEqualTo(AuditHash.ofEvent(8, inSession(withoutAssumer(THROUGH_A_ROLE), "sesn_1", "turn_1"),
                AuditHash.GENESIS));
    }

    static AuditEvent inSession(AuditEvent e, String sessionId, String turnId) {
        return new AuditEvent(e.eventId(), e.time(), e.principalId(), e.principalName(), e.onBehalfOf(), e.sourceIp(), e.userAgent(),
                e.action(), e.resource(), e.decision(), e.decidingPolicy(), e.requestId(), e.errorCode(), sessionId, turnId);
    }

    private static AuditEvent withoutAssumer(AuditEvent e) {
        return new AuditEvent(e.eventId(), e.time(), e.principalId(), e.principalName(), null, e.sourceIp(), e.userAgent(),
                e.action(), e.resource(), e.decision(), e.decidingPolicy(), e.requestId(), e.errorCode(), e.sessionId(), e.turnId());
    }
}
