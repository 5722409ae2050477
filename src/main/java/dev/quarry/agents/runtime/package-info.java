/**
 * The harness that runs agent sessions' turns: claims a turn under a lease, calls the session's
 * model through the same governed gateway as any client, runs tools, commits every step before
 * it is streamed, and resumes a turn from its last committed step after a crash or a takeover.
 */
package dev.quarry.agents.runtime;
