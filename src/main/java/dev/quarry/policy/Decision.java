package dev.quarry.policy;

/**
 * The outcome of an evaluation and why: which policy and statement decided, or that none did.
 *
 * @param policy    the deciding policy's name, {@code null} for an implicit deny
 * @param statement the deciding statement's Sid (or {@code #index}), {@code null} for an implicit deny
 */
public record Decision(boolean allowed, Reason reason, String policy, String statement) {

    public enum Reason {
        /** An Allow statement matched and nothing denied. */
        ALLOWED,
        /** A Deny statement matched: it wins over every Allow. */
        EXPLICIT_DENY,
        /** No statement allowed the request. */
        NO_ALLOW,
        /** An identity policy allowed it but the permission boundary does not. */
        OUTSIDE_BOUNDARY
    }

    /** What decided, as audited: {@code policy/Sid}, the boundary's name alone, or {@code null} for no allow. */
    public String decidedBy() {
        return policy == null ? null : statement == null ? policy : policy + "/" + statement;
    }

    /** One sentence for the person whose request was refused (or the admin simulating it). */
    public String explain(AccessRequest request) {
        String what = request.action() + " on " + request.resource();
        return switch (reason) {
            case ALLOWED -> what + " is allowed by statement '" + statement + "' of policy '" + policy + "'.";
            case EXPLICIT_DENY -> what + " is denied by statement '" + statement + "' of policy '" + policy + "'.";
            case NO_ALLOW -> what + " is denied: no policy attached to you (or your groups) allows it.";
            case OUTSIDE_BOUNDARY -> what + " is denied: it is outside the permission boundary '" + policy + "'.";
        };
    }
}
