package dev.quarry.identity;

import java.nio.file.Path;

/**
 * The first key of a new installation. It comes from {@code QUARRY_ADMIN_KEY} when set;
 * otherwise it is generated once and kept in {@code admin.key} in the data folder, readable by
 * its owner only.
 *
 * @param file where the key is kept, or {@code null} when it came from the environment
 */
public record BootstrapAdmin(String apiKey, Path file, boolean generated) {
    public static final String ENV = "QUARRY_ADMIN_KEY";
    public static final String PRINCIPAL = "admin";
    /**
     * The shortest admin key accepted. The key is a bearer secret anyone who reaches the port can
     * guess at, with no lockout; 32 characters is the length at which even a key of hex digits
     * ({@code openssl rand -hex 16}) carries 128 random bits. A generated key has 46.
     */
    public static final int MIN_LENGTH = 32;

    /**
     * @throws IllegalArgumentException when {@value #ENV}, or the key kept in {@code admin.key}, is
     *                                  shorter than {@value #MIN_LENGTH} characters
     */
    public static BootstrapAdmin resolve(Path dataDir, String fromEnv) {
        Path file = dataDir.resolve("admin.key");
        if (fromEnv != null && !fromEnv.isBlank()) {
            String key = fromEnv.strip();
            requireLength(key, ENV, "or leave it unset to have one generated in " + file);
            return new BootstrapAdmin(key, null, false);
        }
        OwnerOnlyFile kept = OwnerOnlyFile.readOrCreate(file, ApiKeys::generate);
        requireLength(kept.value(), "The key in " + file, "or delete the file to have one generated");
        return new BootstrapAdmin(kept.value(), file, kept.generated());
    }

    /** One rule wherever the key comes from: a short key is refused at start-up, saying how to fix it. */
    private static void requireLength(String key, String source, String orElse) {
        if (key.length() < MIN_LENGTH) {
            throw new IllegalArgumentException(source + " is " + key.length() + " characters long; an admin key must have at least "
                    + MIN_LENGTH + " (for example 'openssl rand -hex 32'), " + orElse + ".");
        }
    }
}
