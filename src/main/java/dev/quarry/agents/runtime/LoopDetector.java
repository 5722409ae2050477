package dev.quarry.agents.runtime;

import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.agents.model.TurnError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Finds an agent going round in circles: the same tool called with the same arguments, answered
 * with the same result, {@code repeats} times in a row. Decided from the turn's committed items
 * only, so a resumed turn decides as the first runner would have.
 */
final class LoopDetector {
    private LoopDetector() {}

    /** One call and what it got back. */
    private record Exchange(String tool, String arguments, String result) {}

    /** The loop, if the turn's last {@code repeats} calls are one and the same call and result. */
    static TurnError loop(List<Item> turnItems, int repeats) {
        List<Exchange> calls = exchanges(turnItems);
        if (calls.size() < repeats) return null;
        Exchange last = calls.getLast();
        for (int i = calls.size() - repeats; i < calls.size(); i++) {
            if (!calls.get(i).equals(last)) return null;
        }
        return new TurnError("loop_detected", "The agent called '" + last.tool() + "' with the same arguments " + repeats
                + " times in a row and got the same result each time; the turn was stopped. Change the instructions or the tool's answer.");
    }

    /** The turn's tool calls that have a result, in the order they were made. */
    private static List<Exchange> exchanges(List<Item> items) {
        Map<String, String> outputs = new HashMap<>();
        for (Item item : items) {
            if (item.body() instanceof ItemBody.FunctionCallOutput o) outputs.put(o.callId(), Objects.toString(o.output()) + "|" + o.error());
        }
        List<Exchange> calls = new ArrayList<>();
        for (Item item : items) {
            switch (item.body()) {
                case ItemBody.FunctionCall f when outputs.containsKey(f.callId()) ->
                        calls.add(new Exchange(f.name(), f.arguments(), outputs.get(f.callId())));
                case ItemBody.McpCall m when m.output() != null || m.error() != null ->
                        calls.add(new Exchange(m.serverLabel() + "__" + m.name(), m.arguments(), m.output() + "|" + m.error()));
                case ItemBody.CommandExecution c when !item.status().equals(Item.IN_PROGRESS) ->
                        calls.add(new Exchange(HarnessTools.SHELL, c.command() + "|" + c.cwd(), c.output() + "|" + c.exitCode() + "|" + c.error()));
                case ItemBody.EnvironmentCall e when e.output() != null || e.error() != null ->
                        calls.add(new Exchange(e.tool(), e.arguments(), e.output() + "|" + e.error()));
                default -> { }
            }
        }
        return calls;
    }
}
