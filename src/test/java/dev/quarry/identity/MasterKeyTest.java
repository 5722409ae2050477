package dev.quarry.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {
    @TempDir
    Path data;

    @Test
    void aGeneratedKeyIsKeptOwnerOnlyAndReadBackByTheNextProcess() throws Exception {
        MasterKey first = MasterKey.resolve(data, null);
        Path file = data.resolve("master.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);

        MasterKey.Sealed sealed = first.seal("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "QKIAEXAMPLE");
        assertThat(MasterKey.resolve(data, "").open(sealed, "QKIAEXAMPLE")).isEqualTo("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    }

    @Test
    void theEnvironmentWinsOverTheFile() {
        String fromEnv = Base64.getEncoder().encodeToString(new byte[32]);
        MasterKey.Sealed sealed = MasterKey.resolve(data, fromEnv).seal("secret", "ctx");

        assertThat(MasterKey.resolve(data.resolve("elsewhere"), fromEnv).open(sealed, "ctx")).isEqualTo("secret");
        assertThat(data.resolve("master.key")).doesNotExist();
    }

    @Test
    void aSealedSecretOpensOnlyForItsOwnContext() {
        MasterKey key = MasterKey.generate();
        MasterKey.Sealed sealed = key.seal("secret", "QKIAONE");

        assertThatThrownBy(() -> key.open(sealed, "QKIATWO")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sealingTheSameSecretTwiceGivesDifferentCiphertexts() {
        MasterKey key = MasterKey.generate();

        assertThat(key.seal("secret", "ctx")).isNotEqualTo(key.seal("secret", "ctx"));
    }

    @Test
    void aMasterKeyOfTheWrongSizeIsRefused() {
        String short16 = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> MasterKey.resolve(data, short16)).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> MasterKey.resolve(data, "not base64!")).hasMessageContaining("QUARRY_MASTER_KEY");
    }
}
