package dev.quarry.identity;

import java.util.Objects;

/** A SigV4 key pair as verification needs it: the principal it stands for and the secret in the clear. */
public record AccessKey(String id, Principal principal, String secret) {
    public AccessKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
        return "AccessKey[" + id + " of " + principal.name() + "]";
    }
}
