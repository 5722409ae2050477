package dev.quarry.agents.service;

/**
 * The check a session's model passes when it is set (create, update): it exists and is a chat model
 * (else 400), and the caller may invoke it (else 403), so that a session fails at once rather than
 * at its first turn. The edge implements it with the catalog and the call's grant.
 */
@FunctionalInterface
public interface ModelGate {
    /**
     * @param param   the request field that named the model, for the error
     * @param runAsId the principal whose model calls these will be: the caller, or the role a
     *                session runs as
     * @throws dev.quarry.canonical.QuarryException 400 or 403
     */
    void require(String model, String param, String runAsId);
}
