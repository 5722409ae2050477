/**
 * Managed agents' data: what an agent is ({@link dev.quarry.agents.model.AgentSpec}), saved agents
 * and their versions, sessions, the drafts and changes the API asks for, list pages and ids. Data
 * only: uses the JDK and the canonical model, nothing else (ArchitectureTest).
 */
package dev.quarry.agents.model;
