package dev.quarry.agents.runtime;

import dev.quarry.agents.environment.EnvironmentSettings;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ItemBody;
import java.util.List;

/**
 * What is left of a session's allowance of commands: how many it may run, and how much time they
 * may take together, over its whole life. Counted from the session's committed command items, so
 * every node and every run counts the same.
 */
final class CommandQuota {
    private final int maxCommands;
    private final long maxMillis;
    private int commands;
    private long millis;

    private CommandQuota(int maxCommands, long maxMillis, int commands, long millis) {
        this.maxCommands = maxCommands;
        this.maxMillis = maxMillis;
        this.commands = commands;
        this.millis = millis;
    }

    static CommandQuota of(List<Item> history, EnvironmentSettings settings) {
        int commands = 0;
        long millis = 0;
        for (Item item : history) {
            if (item.body() instanceof ItemBody.CommandExecution command && command.durationMs() != null) {
                commands++;
                millis += command.durationMs();
            }
        }
        return new CommandQuota(settings.maxCommandsPerSession(), settings.maxCommandSecondsPerSession() * 1000L, commands, millis);
    }

    /** Why the next command may not run, {@code null} when it may; a command that may run is counted. */
    synchronized String take() {
        if (commands >= maxCommands) {
            return "command_limit_exceeded: the session ran its " + maxCommands + " commands (agents.environments.max_commands_per_session).";
        }
        if (millis >= maxMillis) {
            return "command_limit_exceeded: the session's commands ran " + maxMillis / 1000
                    + " s in all (agents.environments.max_command_seconds_per_session).";
        }
        commands++;
        return null;
    }

    /** The time left to the session's commands. */
    synchronized long millisLeft() {
        return Math.max(0, maxMillis - millis);
    }

    synchronized void ran(long durationMillis) {
        millis += durationMillis;
    }
}
