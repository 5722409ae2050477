package dev.quarry.agents.model;

import java.util.Objects;

/**
 * The SigV4 pair an executor dialing out to Quarry signs with: one per environment, shaped like
 * AWS's ({@code QENV} and 16 base32 characters; a 40-character secret), so that the executor's
 * own AWS signing takes it. Only the environment's creation shows the secret; the store keeps it sealed.
 */
public record EnvironmentCredential(String accessKeyId, String secretAccessKey) {
    public static final String PREFIX = "QENV";

    public EnvironmentCredential {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    }

    @Override
    public String toString() {
        return "EnvironmentCredential[" + accessKeyId + ", secret redacted]";
    }
}
