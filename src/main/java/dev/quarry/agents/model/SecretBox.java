package dev.quarry.agents.model;

/**
 * Seals the secrets a session keeps (an MCP server's authorization and headers) so that a copy
 * of the database reveals none, and opens them for the node that calls the server. Each is
 * bound to a context, so a sealed value copied to another session does not open.
 */
public interface SecretBox {
    String seal(String plain, String context);

    /** @throws IllegalStateException when {@code sealed} was not sealed by this box for {@code context} */
    String open(String sealed, String context);
}
