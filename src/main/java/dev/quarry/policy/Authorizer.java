package dev.quarry.policy;

/**
 * Decides requests for principals from the policies attached to them (directly and through
 * their groups) and their permission boundary. Implementations answer from memory: authorizing
 * is on every request's path.
 */
public interface Authorizer {
    Decision decide(String principalId, AccessRequest request);
}
