package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.config.ConfigLoader;
import dev.quarry.config.QuarryConfig;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code QUARRY_ADMIN_KEY} names the CLI's credential too; a user's key left in it when the server
 * starts must not become the admin's key.
 */
class AdminKeyRefusalTest {
    @TempDir
    Path dir;

    @Test
    void aUsersKeyIsNotTakenAsTheAdminKey() throws Exception {
        QuarryConfig config = ConfigLoader.parse("", "test.yaml", dir).withPort(0);
        IssuedKey carols;
        try (Quarry first = Quarry.start(config, name -> null)) {
            carols = first.identities().createKey("carol", PrincipalKind.USER);
        }

        assertThatThrownBy(() -> Quarry.start(config, Map.of("QUARRY_ADMIN_KEY", carols.apiKey())::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("QUARRY_ADMIN_KEY holds the API key of principal 'carol'; the admin key must be a key of its own")
                .message().doesNotContain(carols.apiKey());

        // The store was closed again: the same folder starts at once with a key of its own.
        try (Quarry again = Quarry.start(config, Map.of("QUARRY_ADMIN_KEY", "qk-a-fresh-admin-key-0123456789abcdef")::get)) {
            assertThat(again.port()).isPositive();
        }
        assertThat(Files.exists(dir.resolve("quarry.db"))).isTrue();
    }
}
