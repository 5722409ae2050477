/**
 * Vaults: an owner's stores of static bearer tokens for the MCP servers its sessions call. A token
 * is write-only: sealed by the master key as it is given, opened only when a run of a turn connects
 * the server the credential is for, and scrubbed out of what that server answers.
 */
package dev.quarry.agents.vault;
