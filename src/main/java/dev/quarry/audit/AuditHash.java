package dev.quarry.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hashes that chain the trail. An event's hash covers its position, every field and the
 * previous event's hash; fields are length-prefixed so that no two different events can
 * serialize alike (no separator a field could contain). {@code onBehalfOf}, added later, is
 * hashed only when present, so events written before it existed keep their hashes.
 */
final class AuditHash {
    static final String GENESIS = "0".repeat(64);

    private AuditHash() {}

    static String ofEvent(long seq, AuditEvent e, String prevHash) {
        if (e.onBehalfOf() == null) {
            return sha256(Long.toString(seq), e.eventId(), Long.toString(e.time().toEpochMilli()), e.principalId(), e.principalName(),
                    e.sourceIp(), e.userAgent(), e.action(), e.resource(), e.decision(), e.decidingPolicy(), e.requestId(),
                    e.errorCode(), prevHash);
        }
        return sha256(Long.toString(seq), e.eventId(), Long.toString(e.time().toEpochMilli()), e.principalId(), e.principalName(),
                e.sourceIp(), e.userAgent(), e.action(), e.resource(), e.decision(), e.decidingPolicy(), e.requestId(),
                e.errorCode(), prevHash, e.onBehalfOf());
    }

    static String ofDigest(long seq, long createdAt, long firstEventSeq, long lastEventSeq, String lastEventHash, String prevDigestHash) {
        return sha256(Long.toString(seq), Long.toString(createdAt), Long.toString(firstEventSeq), Long.toString(lastEventSeq),
                lastEventHash, prevDigestHash);
    }

    private static String sha256(String... fields) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String field : fields) {
                if (field == null) {
                    digest.update((byte) 0);
                    continue;
                }
                byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
                digest.update((byte) 1);
                digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                digest.update((byte) ':');
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
