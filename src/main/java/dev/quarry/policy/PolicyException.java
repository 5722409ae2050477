package dev.quarry.policy;

/** A policy document that cannot be accepted; the message names the place ({@code Statement[1].Action[0]}). */
public final class PolicyException extends RuntimeException {
    private final String path;

    public PolicyException(String path, String message) {
        super(path.isEmpty() ? message : path + ": " + message);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
