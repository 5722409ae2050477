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
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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

    @Test
    void aShortKeyInTheAdminKeyFileIsRefusedToo() throws IOException {
        Files.writeString(temp.resolve("admin.key"), "k\n");
        assertThatThrownBy(() -> BootstrapAdmin.resolve(temp, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("The key in " + temp.resolve("admin.key") + " is 1 characters long; an admin key must have at least 32")
                .hasMessageContaining("or delete the file to have one generated");
    }

    @Test
    void aDataFolderOrSecretReadableByOthersIsWarnedAbout() throws IOException {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(temp.resolve("admin.key"), "a".repeat(BootstrapAdmin.MIN_LENGTH));
        Files.setPosixFilePermissions(temp.resolve("admin.key"), PosixFilePermissions.fromString("rw-r--r--"));
        List<String> warnings = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel() == Level.WARNING) warnings.add(record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger log = Logger.getLogger(DataFolder.class.getName());
        log.addHandler(handler);
        try {
            DataFolder.warnIfExposed(temp, List.of("admin.key", "master.key"));
        } finally {
            log.removeHandler(handler);
        }
        assertThat(warnings).singleElement().asString().contains(temp.toString(), temp.resolve("admin.key").toString(), "chmod go-rwx")
                .doesNotContain("master.key");
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
