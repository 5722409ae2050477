package dev.quarry.audit;

import java.security.PublicKey;
import java.util.HashMap;
import java.util.Map;

/**
 * One signed digest: it covers events {@code firstEventSeq..lastEventSeq}, ends at the hash of
 * the last, and is chained to the digest before. Stored in {@code audit_digests} and, one line
 * each, in the anchor file outside the store.
 */
record SignedDigest(long seq, long createdAt, long firstEventSeq, long lastEventSeq, String lastEventHash, String prevDigestHash,
                    String digestHash, String keyId, String signature) {
    static final String LINE_PREFIX = "quarry-audit-anchor";

    /** Its hash recomputed from its fields, and its signature checked, against the trusted key. */
    boolean signedBy(PublicKey key) {
        return AuditHash.ofDigest(seq, createdAt, firstEventSeq, lastEventSeq, lastEventHash, prevDigestHash).equals(digestHash)
                && keyId.equals(SigningKey.keyId(key)) && SigningKey.verify(key, digestHash, signature);
    }

    /** One line of {@code key=value} words; no value can hold a space (numbers, hex, base64). */
    String line() {
        return LINE_PREFIX + " digest=" + seq + " created_at=" + createdAt + " first_event=" + firstEventSeq + " last_event=" + lastEventSeq
                + " last_event_hash=" + lastEventHash + " prev_digest_hash=" + prevDigestHash + " digest_hash=" + digestHash
                + " key_id=" + keyId + " signature=" + signature;
    }

    /** @throws IllegalArgumentException when the line is not one {@link #line()} wrote */
    static SignedDigest parse(String line) {
        String[] words = line.strip().split(" ");
        if (words.length != 10 || !words[0].equals(LINE_PREFIX)) throw new IllegalArgumentException("not an anchor line");
        Map<String, String> fields = new HashMap<>();
        for (int i = 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq < 1) throw new IllegalArgumentException("not an anchor line");
            fields.put(words[i].substring(0, eq), words[i].substring(eq + 1));
        }
        try {
            return new SignedDigest(Long.parseLong(fields.get("digest")), Long.parseLong(fields.get("created_at")),
                    Long.parseLong(fields.get("first_event")), Long.parseLong(fields.get("last_event")), required(fields, "last_event_hash"),
                    required(fields, "prev_digest_hash"), required(fields, "digest_hash"), required(fields, "key_id"),
                    required(fields, "signature"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an anchor line", e);
        }
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null || value.isEmpty()) throw new IllegalArgumentException("an anchor line without " + name);
        return value;
    }
}
