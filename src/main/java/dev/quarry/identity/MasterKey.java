package dev.quarry.identity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that seals secrets Quarry must read back later (SigV4 secret access keys, which
 * verification needs in the clear), so a copy of the database alone reveals none of them.
 *
 * <p>It comes from {@code QUARRY_MASTER_KEY} (32 bytes, base64) when set; otherwise it is
 * generated once into {@code master.key} in the data folder, readable by its owner only. The
 * server and the CLI resolve it the same way, so a pair the CLI issues verifies in the server.
 *
 * <p>Sealing is envelope encryption with AES-256-GCM: each secret gets its own random data key,
 * and only that data key is sealed with the master key, so replacing the master key means
 * re-sealing small data keys, never touching secrets. Both seals are bound to a context (the
 * access key id) so a sealed value copied to another row does not open.
 */
public final class MasterKey {
    public static final String ENV = "QUARRY_MASTER_KEY";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    private MasterKey(byte[] key) {
        if (key.length != KEY_BYTES) throw new IllegalArgumentException("a master key is 32 bytes (AES-256), got " + key.length);
        this.key = new SecretKeySpec(key, "AES");
    }

    /** A new random key, kept nowhere. */
    public static MasterKey generate() {
        return new MasterKey(randomBytes(KEY_BYTES));
    }

    public static MasterKey resolve(Path dataDir, String fromEnv) {
        String encoded = fromEnv != null && !fromEnv.isBlank()
                ? fromEnv.strip()
                : OwnerOnlyFile.readOrCreate(dataDir.resolve("master.key"), () -> Base64.getEncoder().encodeToString(randomBytes(KEY_BYTES))).value();
        try {
            return new MasterKey(Base64.getDecoder().decode(encoded));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV + " (or master.key) must be 32 bytes in base64: " + e.getMessage(), e);
        }
    }

    /** A data key and a secret sealed under it, both as base64 text for any database column. */
    public record Sealed(String dataKey, String secret) {}

    Sealed seal(String secret, String context) {
        byte[] dataKey = randomBytes(KEY_BYTES);
        return new Sealed(encrypt(key, dataKey, context), encrypt(new SecretKeySpec(dataKey, "AES"), secret.getBytes(StandardCharsets.UTF_8), context));
    }

    /** {@link #seal} as one line of text: the sealed data key and the sealed secret, joined by a dot (base64 has none). */
    public String sealText(String secret, String context) {
        Sealed sealed = seal(secret, context);
        return sealed.dataKey() + "." + sealed.secret();
    }

    /** @throws IllegalStateException when {@code text} was not sealed by this key for this context */
    public String openText(String text, String context) {
        int dot = text.indexOf('.');
        if (dot < 0) throw new IllegalStateException("a sealed secret is not of the form DATAKEY.SECRET");
        return open(new Sealed(text.substring(0, dot), text.substring(dot + 1)), context);
    }

    /** @throws IllegalStateException when the value was not sealed by this key for this context */
    String open(Sealed sealed, String context) {
        byte[] dataKey = decrypt(key, sealed.dataKey(), context);
        return new String(decrypt(new SecretKeySpec(dataKey, "AES"), sealed.secret(), context), StandardCharsets.UTF_8);
    }

    /** Nonce, then ciphertext with its tag. */
    private static String encrypt(SecretKey key, byte[] plain, String context) {
        byte[] nonce = randomBytes(NONCE_BYTES);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce, context);
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + cipher.getOutputSize(plain.length))
                    .put(nonce).put(cipher.doFinal(plain)).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    private static byte[] decrypt(SecretKey key, String sealed, String context) {
        byte[] bytes = Base64.getDecoder().decode(sealed);
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, Arrays.copyOf(bytes, NONCE_BYTES), context);
            return cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a sealed secret does not open with this master key (was " + ENV + " or master.key changed?)", e);
        }
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] nonce, String context) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
