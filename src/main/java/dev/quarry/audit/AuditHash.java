package dev.quarry.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The hashes that chain the trail. An event's hash covers its position, every field and the
 * previous event's hash; fields are length-prefixed so that no two different events can
 * serialize alike (no separator a field could contain). Fields added later are hashed only when
 * present, so events written before they existed keep their hashes: {@code onBehalfOf}, then the
 * agent session and turn (which bring {@code onBehalfOf} along, null or not, so the two additions
 * never serialize alike).
 */
final class AuditHash {
    static final String GENESIS = "0".repeat(64);

    private AuditHash() {}

    static String ofEvent(long seq, AuditEvent e, String prevHash) {
        List<String> fields = new ArrayList<>(Arrays.asList(Long.toString(seq), e.eventId(), Long.toString(e.time().toEpochMilli()),
                e.principalId(), e.principalName(), e.sourceIp(), e.userAgent(), e.action(), e.resource(), e.decision(),
                e.decidingPolicy(), e.requestId(), e.errorCode(), prevHash));
        boolean inSession = e.sessionId() != null || e.turnId() != null;
        if (e.onBehalfOf() != null || inSession) fields.add(e.onBehalfOf());
        if (inSession) {
            fields.add(e.sessionId());
            fields.add(e.turnId());
        }
        return sha256(fields.toArray(String[]::new));
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
