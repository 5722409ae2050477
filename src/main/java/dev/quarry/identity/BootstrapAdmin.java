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

    public static BootstrapAdmin resolve(Path dataDir, String fromEnv) {
        if (fromEnv != null && !fromEnv.isBlank()) return new BootstrapAdmin(fromEnv.strip(), null, false);
        Path file = dataDir.resolve("admin.key");
        OwnerOnlyFile kept = OwnerOnlyFile.readOrCreate(file, ApiKeys::generate);
        return new BootstrapAdmin(kept.value(), file, kept.generated());
    }
}
