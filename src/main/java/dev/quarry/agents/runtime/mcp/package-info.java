/**
 * Quarry's MCP client for agent sessions: connects to an MCP server over streamable HTTP, or to
 * one it starts in the session's environment and speaks to over stdio, lists its tools and calls them, blocking the calling virtual thread. The only user of the MCP Java SDK,
 * whose Reactor stays behind its sync client here: callers see {@link dev.quarry.agents.runtime.mcp.McpClients},
 * {@link dev.quarry.agents.runtime.mcp.McpConnection} and plain records. Server URLs are checked
 * before any connection (https only, no private addresses unless configured), and everything a
 * server sends is bounded before it reaches the harness.
 */
package dev.quarry.agents.runtime.mcp;
