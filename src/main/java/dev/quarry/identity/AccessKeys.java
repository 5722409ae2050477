package dev.quarry.identity;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The format of SigV4 key pairs, shaped like AWS's so that AWS SDKs and tools accept them: an
 * access key id of {@code QKIA} and 16 base32 characters (AWS's own ids start {@code AKIA} or
 * {@code ASIA}, so a Quarry id is never mistaken for one), and a 40-character secret from 30
 * random bytes in base64, the alphabet of AWS secrets.
 */
public final class AccessKeys {
    public static final String PREFIX = "QKIA";
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private AccessKeys() {}

    public static String newId() {
        return newId(PREFIX);
    }

    /** An id of the same shape with another four-letter prefix, for pairs that are not principals' keys. */
    public static String newId(String prefix) {
        var id = new StringBuilder(prefix);
        for (int i = 0; i < 16; i++) id.append(BASE32[RANDOM.nextInt(BASE32.length)]);
        return id.toString();
    }

    public static String newSecret() {
        byte[] secret = new byte[30];
        RANDOM.nextBytes(secret);
        return Base64.getEncoder().encodeToString(secret);
    }
}
