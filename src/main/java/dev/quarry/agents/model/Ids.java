package dev.quarry.agents.model;

import java.security.SecureRandom;

/**
 * Time-ordered ids: a prefix and a 26-character ULID (48 bits of milliseconds, 80 random bits, in
 * Crockford's base 32). Ids made by one process are strictly increasing, even within a millisecond
 * (the random part is incremented), so ordering by id is ordering by creation and a list cursor is
 * the id itself.
 */
public final class Ids {
    public static final String SESSION = "sess_";
    public static final String AGENT = "agent_";
    public static final String TURN = "turn_";
    public static final String ENVIRONMENT = "env_";

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static long lastMillis = -1;
    private static long randomHigh; // 16 bits
    private static long randomLow;  // 64 bits

    private Ids() {}

    public static String next(String prefix, long nowMillis) {
        long millis, high, low;
        synchronized (Ids.class) {
            if (nowMillis <= lastMillis) {
                randomLow++;
                if (randomLow == 0) randomHigh = (randomHigh + 1) & 0xFFFF;
            } else {
                lastMillis = nowMillis;
                randomHigh = RANDOM.nextInt(1 << 15); // headroom so increments never wrap
                randomLow = RANDOM.nextLong() >>> 1;
            }
            millis = lastMillis;
            high = randomHigh;
            low = randomLow;
        }
        char[] out = new char[26];
        // 128 bits: millis (48) | high (16) | low (64), written as 26 base-32 digits (130 bits, top 2 zero).
        long hi64 = (millis << 16) | high;
        long lo64 = low;
        for (int i = 25; i >= 0; i--) {
            out[i] = ALPHABET[(int) (lo64 & 31)];
            lo64 = (lo64 >>> 5) | (hi64 << 59);
            hi64 >>>= 5;
        }
        return prefix + new String(out);
    }

    /**
     * Whether {@code id} could be an id: 1 to 64 characters of letters, digits, {@code _} and
     * {@code -}. Anything else (a NUL, which PostgreSQL refuses in text, or any other character)
     * names nothing, and is answered without asking the store.
     */
    public static boolean wellFormed(String id) {
        if (id == null || id.isEmpty() || id.length() > 64) return false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
        }
        return true;
    }

    /** The ULID part of an id, after its prefix. */
    public static String ulid(String id) {
        int at = id.lastIndexOf('_');
        return at < 0 ? id : id.substring(at + 1);
    }
}
