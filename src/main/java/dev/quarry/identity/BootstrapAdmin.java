package dev.quarry.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

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
        try {
            Files.createDirectories(dataDir);
            if (Files.exists(file)) return new BootstrapAdmin(Files.readString(file).strip(), file, false);
            String key = ApiKeys.generate();
            try {
                // Created with owner-only permissions from the start, never readable by others even briefly.
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException raced) {
                return new BootstrapAdmin(Files.readString(file).strip(), file, false);
            }
            Files.writeString(file, key + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            return new BootstrapAdmin(key, file, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the admin key in " + file, e);
        }
    }
}
