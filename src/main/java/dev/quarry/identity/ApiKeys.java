package dev.quarry.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API key format and hashing. A key is {@code qk-} and 32 random bytes in URL-safe base64; only
 * its SHA-256 is stored. A fast hash is right here (unlike for passwords): the secret has 256
 * bits of entropy, so there is nothing to brute-force, and lookups stay O(1) per request.
 */
public final class ApiKeys {
    public static final String PREFIX = "qk-";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {}

    public static String generate() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** Hashes each request's key: a copy of this one is cheaper than looking SHA-256 up among the providers each time. */
    private static final MessageDigest SHA_256 = sha256();

    public static String hash(String apiKey) {
        try {
            MessageDigest sha256 = (MessageDigest) SHA_256.clone();
            return HexFormat.of().formatHex(sha256.digest(apiKey.getBytes(StandardCharsets.UTF_8)));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be copied", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The part of a key safe to show in listings and logs. */
    public static String displayPrefix(String apiKey) {
        return apiKey.substring(0, Math.min(apiKey.length(), PREFIX.length() + 6));
    }
}
