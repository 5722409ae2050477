package dev.quarry.agents.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.agents.environment.Commands;
import dev.quarry.agents.environment.ExecutorException;
import dev.quarry.agents.environment.FileTools;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.gateway.Exchange;
import dev.quarry.gateway.Origin;
import dev.quarry.gateway.Outcome;
import dev.quarry.gateway.PlatformCall;
import dev.quarry.identity.Credential;
import dev.quarry.policy.Actions;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Runs the environment tool calls of one model answer, one after another in the order the model
 * made them (a write, then the command that reads it). Each is a platform call down the gateway,
 * as MCP calls are: authorized as {@code quarry:RunAgentCommand}, {@code quarry:ReadAgentFile} or
 * {@code quarry:WriteAgentFile} on {@code agent-environment/<id>} and audited with the session and
 * turn. A refused or failed call is a failed item the model reads, not a failed turn; an executor
 * lost mid-call fails that call, and the next one connects again; but when no executor answers
 * within the connect wait the turn fails ({@link EnvironmentLink.Unavailable}).
 */
final class EnvironmentCalls {
    private EnvironmentCalls() {}

    /** A handler's reply when its call was interrupted. */
    private record Cut() {}

    /** A handler's reply when no executor answered within the connect wait: the turn fails, not just the call. */
    private record NoExecutor(EnvironmentLink.Unavailable why) {}

    /**
     * @param live receives a command's output as it comes, with the command's item
     * @throws McpCalls.Interrupted       when the turn was cancelled or the node is stopping
     * @throws EnvironmentLink.Unavailable when no executor answered within the connect wait
     */
    static void run(RuntimeParts parts, TurnTools tools, TurnControl control, Credential credential, String sourceIp, Origin origin, List<Item> calls,
                    BiConsumer<Item, String> live, Consumer<Item> done) {
        Thread self = Thread.currentThread();
        control.toolCallStarted(self);
        try {
            for (Item item : calls) {
                if (control.cancelled() || control.abandoned()) break;
                done.accept(call(parts, tools, control, credential, sourceIp, origin, item, live));
            }
        } finally {
            control.toolCallEnded(self);
            Thread.interrupted(); // a cancel's interrupt is answered by the check below, not left to trip the next blocking call
        }
        if (control.cancelled() || control.abandoned()) throw new McpCalls.Interrupted();
    }

    private static Item call(RuntimeParts parts, TurnTools tools, TurnControl control, Credential credential, String sourceIp, Origin origin, Item item,
                             BiConsumer<Item, String> live) {
        EnvironmentLink link = tools.environment();
        String action = switch (item.body()) {
            case ItemBody.CommandExecution command -> Actions.RUN_AGENT_COMMAND;
            case ItemBody.EnvironmentCall call when FileTools.writes(call.tool()) -> Actions.WRITE_AGENT_FILE;
            default -> Actions.READ_AGENT_FILE;
        };
        PlatformCall platform = new PlatformCall(action, new PlatformCall.Target.Known("agent-environment/" + link.environmentId()), () -> null,
                context -> {
                    try {
                        return perform(parts, tools, control, origin, item, live);
                    } catch (McpCalls.Interrupted | ExecutorException.Interrupted e) {
                        return new Cut();
                    } catch (EnvironmentLink.Unavailable e) {
                        return new NoExecutor(e);
                    }
                });
        Outcome outcome = parts.gateway().perform(Exchange.platform(Ids.next("req_", parts.clock().millis()), TurnRunner.SURFACE, platform,
                credential, sourceIp, TurnRunner.USER_AGENT).withOrigin(origin));
        return switch (outcome) {
            case Outcome.Performed performed when performed.reply() instanceof Cut -> throw new McpCalls.Interrupted();
            case Outcome.Performed performed when performed.reply() instanceof NoExecutor gaveUp -> throw gaveUp.why();
            case Outcome.Performed performed when performed.reply() instanceof Item finished -> finished;
            case Outcome.Rejected rejected -> failed(item, rejected.error().message());
            default -> throw new IllegalStateException("an environment call ended with " + outcome.getClass().getSimpleName());
        };
    }

    private static Item perform(RuntimeParts parts, TurnTools tools, TurnControl control, Origin origin, Item item, BiConsumer<Item, String> live) {
        EnvironmentLink link = tools.environment();
        try {
            return switch (item.body()) {
                case ItemBody.CommandExecution command -> command(parts, tools, control, origin, item, command, live);
                case ItemBody.EnvironmentCall call -> {
                    JsonNode arguments = HarnessTools.arguments(call.arguments());
                    if (arguments == null) yield failed(item, "The arguments of '" + call.tool() + "' must be a JSON object.");
                    String output = tools.files().call(link.executor(), call.tool(), arguments);
                    yield item.withState(Item.COMPLETED, call.answered(tools.scrub(output), null));
                }
                default -> throw new IllegalStateException("not an environment call: " + item.body().type());
            };
        } catch (ExecutorException.Disconnected e) {
            link.lost(e);
            return failed(item, "executor_disconnected: the executor disconnected during the call: " + e.getMessage());
        } catch (FileTools.ToolFailure | ExecutorException.Refused e) {
            return failed(item, tools.scrub(e.getMessage()));
        }
    }

    private static Item command(RuntimeParts parts, TurnTools tools, TurnControl control, Origin origin, Item item, ItemBody.CommandExecution command,
                                BiConsumer<Item, String> live) {
        long deadline = control.deadlineMillis();
        if (command.command() == null || command.command().isBlank()) return failed(item, "'command' must be a non-empty string.");
        String refused = tools.quota().take();
        if (refused != null) return failed(item, refused);
        var settings = parts.settings().environments();
        // The model's limit, within the operator's, the session's time left, and the turn's deadline.
        long timeoutMs = Math.min(Math.min(tools.timeoutMs(command.callId()), settings.maxCommandSeconds() * 1000L),
                Math.min(tools.quota().millisLeft(), Math.max(1, deadline - parts.clock().millis())));
        Duration timeout = Duration.ofMillis(Math.max(1, timeoutMs));
        var executor = tools.environment().executor();
        String cwd = tools.files().folder(executor, command.cwd());
        long started = System.nanoTime();
        Commands.Outcome outcome;
        try {
            outcome = Commands.run(executor, origin.turnId() + ":" + command.callId(), command.command(), cwd, timeout,
                    settings.maxOutputBytes(), text -> live.accept(item, tools.scrub(text)));
        } catch (ExecutorException.Interrupted e) {
            if (!control.cancelled()) throw e;
            // The allowance is counted from the committed items: a command cut by a cancel ran too, for this long.
            Thread.interrupted();
            long ranMs = (System.nanoTime() - started) / 1_000_000;
            tools.quota().ran(ranMs);
            return item.withState(Item.FAILED, new ItemBody.CommandExecution(command.callId(), command.command(), cwd, null, null, ranMs,
                    "cancelled: the turn was cancelled while the command ran, and the command was stopped"));
        }
        tools.quota().ran(outcome.durationMs());
        ItemBody.CommandExecution ended = new ItemBody.CommandExecution(command.callId(), command.command(), cwd, tools.scrub(outcome.output()),
                outcome.exitCode(), outcome.durationMs(), outcome.error());
        return item.withState(outcome.error() == null ? Item.COMPLETED : Item.FAILED, ended);
    }

    /** The call, failed with {@code error} as the model will read it. */
    static Item failed(Item item, String error) {
        return item.withState(Item.FAILED, switch (item.body()) {
            case ItemBody.CommandExecution c -> c.ended(c.output(), null, null, error);
            case ItemBody.EnvironmentCall e -> e.answered(null, error);
            case ItemBody.McpCall m -> m.answered(null, error); // an MCP call refused its approval
            default -> throw new IllegalStateException("not a call Quarry makes: " + item.body().type());
        });
    }
}
