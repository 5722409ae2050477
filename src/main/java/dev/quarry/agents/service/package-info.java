/**
 * What the Agents API asks of managed agents, as the caller sees it: validation, ownership (a
 * session or saved agent is its creator's; anyone else is answered 404, so existence does not
 * leak), the model check at create, versioned saved agents. Sees the caller as
 * {@link dev.quarry.identity.Acting}, never HTTP.
 */
package dev.quarry.agents.service;
