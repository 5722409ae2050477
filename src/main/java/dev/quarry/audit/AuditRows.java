package dev.quarry.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Column mapping of {@code audit_events} and {@code audit_digests}, shared by the writer, the verifier and queries. */
final class AuditRows {
    static final String COLUMNS = """
            seq, event_id, event_time, principal_id, principal_name, source_ip, user_agent, action, resource, decision,
            deciding_policy, request_id, error_code, prev_hash, hash, on_behalf_of, session_id, turn_id""";

    /** Inserts one event row, bound by {@link #bind}. */
    static final String INSERT = "INSERT INTO audit_events (" + COLUMNS + ") VALUES (" + "?, ".repeat(17) + "?)";

    static final String DIGEST_COLUMNS = """
            seq, created_at, first_event_seq, last_event_seq, last_event_hash, prev_digest_hash, digest_hash, key_id, signature""";

    private AuditRows() {}

    /** One stored row: the event and its place in the chain. */
    record Row(long seq, AuditEvent event, String prevHash, String hash) {}

    static void bind(PreparedStatement s, long seq, AuditEvent e, String prevHash, String hash) throws SQLException {
        s.setLong(1, seq);
        s.setString(2, e.eventId());
        s.setLong(3, e.time().toEpochMilli());
        s.setString(4, e.principalId());
        s.setString(5, e.principalName());
        s.setString(6, e.sourceIp());
        s.setString(7, e.userAgent());
        s.setString(8, e.action());
        s.setString(9, e.resource());
        s.setString(10, e.decision());
        s.setString(11, e.decidingPolicy());
        s.setString(12, e.requestId());
        s.setString(13, e.errorCode());
        s.setString(14, prevHash);
        s.setString(15, hash);
        s.setString(16, e.onBehalfOf());
        s.setString(17, e.sessionId());
        s.setString(18, e.turnId());
    }

    static Row read(ResultSet r) throws SQLException {
        AuditEvent event = new AuditEvent(r.getString(2), Instant.ofEpochMilli(r.getLong(3)), r.getString(4), r.getString(5),
                r.getString(16), r.getString(6), r.getString(7), r.getString(8), r.getString(9), r.getString(10), r.getString(11),
                r.getString(12), r.getString(13), r.getString(17), r.getString(18));
        return new Row(r.getLong(1), event, r.getString(14), r.getString(15));
    }

    static void insert(Connection c, SignedDigest d) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO audit_digests (" + DIGEST_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setLong(1, d.seq());
            s.setLong(2, d.createdAt());
            s.setLong(3, d.firstEventSeq());
            s.setLong(4, d.lastEventSeq());
            s.setString(5, d.lastEventHash());
            s.setString(6, d.prevDigestHash());
            s.setString(7, d.digestHash());
            s.setString(8, d.keyId());
            s.setString(9, d.signature());
            s.executeUpdate();
        }
    }

    static SignedDigest readDigest(ResultSet r) throws SQLException {
        return new SignedDigest(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getString(5), r.getString(6), r.getString(7),
                r.getString(8), r.getString(9));
    }

    static SignedDigest digest(Connection c, long seq) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + DIGEST_COLUMNS + " FROM audit_digests WHERE seq = ?")) {
            s.setLong(1, seq);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) throw new SQLException("no audit digest " + seq);
                return readDigest(r);
            }
        }
    }
}
