package dev.quarry.identity;

import dev.quarry.store.DataFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/**
 * A one-line secret kept in the data folder, readable by its owner only: read when it exists,
 * otherwise generated and written once. When two processes start together the first to create
 * the file wins and the other reads what it wrote.
 *
 * @param generated whether this call created the file
 */
record OwnerOnlyFile(String value, boolean generated) {

    static OwnerOnlyFile readOrCreate(Path file, Supplier<String> generate) {
        try {
            DataFolder.ensure(file.getParent());
            if (Files.exists(file)) return new OwnerOnlyFile(Files.readString(file).strip(), false);
            String value = generate.get();
            try {
                // Created with owner-only permissions from the start, never readable by others even briefly.
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException raced) {
                return new OwnerOnlyFile(Files.readString(file).strip(), false);
            }
            Files.writeString(file, value + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            return new OwnerOnlyFile(value, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a secret in " + file, e);
        }
    }
}
