package dev.quarry.agents.vault;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * The vault tokens one run of a turn opened, and what replaces them: each occurrence of a token,
 * or of its base64 forms, becomes {@code [redacted:<credential id>]} in what an MCP server answers,
 * before it is committed as an item or published as an event. A server that echoes the token it
 * was sent therefore leaves no copy of it in the session's history.
 */
public final class SecretScrubber {
    private record Mask(String secret, String replacement) {}

    private final List<Mask> masks = new ArrayList<>();

    /** Adds a token opened for {@code credentialId}. */
    public synchronized void add(String credentialId, String secret) {
        if (secret.isEmpty()) return;
        String replacement = "[redacted:" + credentialId + "]";
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        for (String form : List.of(secret, Base64.getEncoder().encodeToString(bytes), Base64.getEncoder().withoutPadding().encodeToString(bytes),
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))) {
            if (masks.stream().noneMatch(m -> m.secret().equals(form))) masks.add(new Mask(form, replacement));
        }
        // The longest first: a padded form is replaced whole before its unpadded prefix is looked for.
        masks.sort(Comparator.comparingInt((Mask m) -> m.secret().length()).reversed());
    }

    /** {@code text} with every token replaced; {@code null} stays {@code null}. */
    public synchronized String scrub(String text) {
        if (text == null || masks.isEmpty()) return text;
        String out = text;
        for (Mask mask : masks) out = out.replace(mask.secret(), mask.replacement());
        return out;
    }
}
