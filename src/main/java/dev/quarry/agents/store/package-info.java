/**
 * Where managed agents are kept: saved agents and their versions, sessions. SQL that runs on both
 * SQLite and PostgreSQL, one code path. Uses the agents' model, the store and Jackson (for the
 * JSON columns).
 */
package dev.quarry.agents.store;
