package dev.quarry.agents.runtime;

import dev.quarry.agents.environment.EnvironmentSettings;
import java.time.Duration;

/**
 * How a node runs turns.
 *
 * @param node               this node's name, the owner of the leases it takes
 * @param lease              how long a claim holds a turn without renewal; another node takes
 *                           over a turn whose lease ran out
 * @param maxRunningTurns    turns this node runs at once; waiting turns cost nothing
 * @param maxModelCalls      model calls per turn
 * @param maxToolCalls       tool calls per turn
 * @param turnTimeout        wall-clock time per turn
 * @param loopRepeats        the same tool call with the same result this many times in a row ends the turn as a loop
 * @param environments       how sessions' execution environments are reached and bounded
 */
public record RuntimeSettings(String node, Duration lease, int maxRunningTurns, int maxModelCalls, int maxToolCalls, Duration turnTimeout,
                              int loopRepeats, EnvironmentSettings environments) {
}
