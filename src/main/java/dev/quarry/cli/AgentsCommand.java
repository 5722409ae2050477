package dev.quarry.cli;

import picocli.CommandLine.Command;

/** {@code quarry agents}: managed agents, as their owner sees them through the Agents API. */
@Command(name = "agents", description = "Managed agents: your sessions, their turns and their live events.",
        subcommands = AgentSessionsCommand.class)
final class AgentsCommand {}
