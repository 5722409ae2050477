package dev.quarry.identity;

import java.util.List;
import java.util.Map;

/**
 * An authorized admin call, as the service doing it sees it: who is calling, with which condition
 * keys it was authorized, and a way to authorize its action on the further resources it acts on.
 * Services take this rather than the HTTP exchange, so that they know nothing of how the call came.
 */
public interface Acting {
    Principal caller();

    Map<String, List<String>> conditions();

    /**
     * Authorizes the call's action on another resource it acts on as well: the principal or group
     * a policy is attached to, the member added to a group, the owner of a key.
     *
     * @throws dev.quarry.canonical.QuarryException of kind PERMISSION_DENIED, naming the statement
     */
    void alsoOn(String resource);

    /**
     * Authorizes another action the call needs on another resource (reading the saved agent a
     * session is created from).
     *
     * @throws dev.quarry.canonical.QuarryException of kind PERMISSION_DENIED, naming the statement
     */
    void alsoMay(String action, String resource);

    /**
     * A call that reaches a role as a principal (a principal route, an attachment, a membership, a
     * session key's owner) is authorized on {@code role/NAME} as well, so a Deny on a role holds
     * whichever route names it.
     */
    default void alsoAsRole(IdentityStore identities, String name) {
        if (identities.principal(name).filter(p -> p.kind() == PrincipalKind.ROLE).isPresent()) alsoOn("role/" + name);
    }
}
