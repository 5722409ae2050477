package dev.quarry.aws;

import java.util.Objects;

/**
 * An access key pair, with the session token of temporary credentials ({@code null} for
 * long-term keys). {@link #toString()} never shows the secret.
 */
public record AwsCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
    public AwsCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    }

    public static AwsCredentials of(String accessKeyId, String secretAccessKey) {
        return new AwsCredentials(accessKeyId, secretAccessKey, null);
    }

    @Override
    public String toString() {
        return "AwsCredentials[" + accessKeyId + (sessionToken == null ? "" : ", with session token") + "]";
    }
}
