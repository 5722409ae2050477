package dev.quarry.identity;

import java.time.Instant;

/**
 * A freshly created key: the only moment its secrets exist outside the client. One key has two
 * forms: the API key (bearer token) and the SigV4 pair {@code accessKeyId}/{@code secretAccessKey}
 * for AWS clients; disabling, deleting or expiring the key does so for both.
 *
 * @param expiresAt when the key stops working, {@code null} for never
 */
public record IssuedKey(String keyId, Principal principal, String apiKey, String prefix, String accessKeyId, String secretAccessKey,
                        Instant expiresAt) {}
