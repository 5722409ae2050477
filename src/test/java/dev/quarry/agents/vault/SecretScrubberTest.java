package dev.quarry.agents.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretScrubberTest {
    private static final String TOKEN = "ghp_S3cr3t+/tok?";

    @Test
    void replacesATokenAndItsBase64FormsWithItsCredentialId() {
        SecretScrubber scrubber = new SecretScrubber();
        scrubber.add("cred_A", TOKEN);
        byte[] bytes = TOKEN.getBytes(StandardCharsets.UTF_8);
        String text = "plain " + TOKEN + " b64 " + Base64.getEncoder().encodeToString(bytes) + " url "
                + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + " header Bearer " + TOKEN + ".";

        String scrubbed = scrubber.scrub(text);

        assertThat(scrubbed).isEqualTo("plain [redacted:cred_A] b64 [redacted:cred_A] url [redacted:cred_A] header Bearer [redacted:cred_A].");
        assertThat(scrubbed).doesNotContain(TOKEN).doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(bytes));
    }

    @Test
    void leavesTextWithoutTokensAndNullAsTheyAre() {
        SecretScrubber scrubber = new SecretScrubber();
        assertThat(scrubber.scrub("nothing opened yet " + TOKEN)).isEqualTo("nothing opened yet " + TOKEN);
        scrubber.add("cred_A", TOKEN);
        scrubber.add("cred_B", "other-token");
        assertThat(scrubber.scrub(null)).isNull();
        assertThat(scrubber.scrub("other-token and " + TOKEN)).isEqualTo("[redacted:cred_B] and [redacted:cred_A]");
        assertThat(scrubber.scrub("unrelated")).isEqualTo("unrelated");
    }
}
