/**
 * The Agents API's JSON (OpenAI's {@code /v1/agents…} shape, beta {@code agents=v1}): create,
 * update and list requests in, sessions, saved agents, pages and deletions out. Uses the agents'
 * model (data only, like canonical), canonical and Jackson — never the runtime, store or gateway.
 * Everything a request may carry that Quarry does not do yet is refused with a 400 naming the
 * field, never ignored.
 */
package dev.quarry.surface.agents;
