package dev.quarry.identity;

/** A freshly created API key: the only moment its secret exists outside the client. */
public record IssuedKey(String keyId, Principal principal, String apiKey, String prefix) {}
