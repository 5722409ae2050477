package dev.quarry.identity;

/**
 * A freshly created key: the only moment its secrets exist outside the client. One key has two
 * forms: the API key (bearer token) and the SigV4 pair {@code accessKeyId}/{@code secretAccessKey}
 * for AWS clients; revoking the key revokes both.
 */
public record IssuedKey(String keyId, Principal principal, String apiKey, String prefix, String accessKeyId, String secretAccessKey) {}
