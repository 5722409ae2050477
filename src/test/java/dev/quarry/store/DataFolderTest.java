package dev.quarry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.config.ConfigLoader;
import dev.quarry.identity.BootstrapAdmin;
import dev.quarry.server.Quarry;
import dev.quarry.testing.TestQuarry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data folder and the SQLite files in it are readable by their owner only; a short admin key is refused at start-up. */
class DataFolderTest {
    @TempDir
    Path temp;

    @BeforeEach
    void posixOnly() {
        Assumptions.assumeTrue(temp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
    }

    @Test
    void aNewDataFolderAndItsStoreAreOwnerOnly() throws IOException {
        Path data = temp.resolve("nested/data");
        try (Quarry ignored = Quarry.start(ConfigLoader.parse("", "test.yaml", data).withPort(0), name -> null)) {
            assertThat(mode(data)).isEqualTo("rwx------");
            for (String file : List.of("quarry.db", "quarry.db-wal", "quarry.db-shm", "admin.key", "master.key", "audit-signing.key")) {
                assertThat(mode(data.resolve(file))).as(file).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void aStoreLeftReadableByAnOlderVersionIsNarrowed() throws IOException {
        try (Database db = Database.sqliteIn(temp)) {
            db.read(c -> c.createStatement().execute("SELECT 1"));
        }
        for (String file : List.of("quarry.db", "quarry.db-wal", "quarry.db-shm")) {
            if (Files.exists(temp.resolve(file))) Files.setPosixFilePermissions(temp.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
        }
        try (Database db = Database.sqliteIn(temp)) {
            for (String file : List.of("quarry.db", "quarry.db-wal", "quarry.db-shm")) {
                assertThat(mode(temp.resolve(file))).as(file).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void aShortAdminKeyIsRefusedAtStartUpSayingHowLongItMustBe() {
        assertThatThrownBy(() -> TestQuarry.start("", Map.of(BootstrapAdmin.ENV, "k")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("QUARRY_ADMIN_KEY is 1 characters long; an admin key must have at least 32");
        assertThat(BootstrapAdmin.resolve(temp, "a".repeat(BootstrapAdmin.MIN_LENGTH)).apiKey()).hasSize(BootstrapAdmin.MIN_LENGTH);
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
