package dev.quarry.agents.runtime;

import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.agents.runtime.mcp.McpCallInterrupted;
import dev.quarry.agents.runtime.mcp.McpResult;
import dev.quarry.agents.runtime.mcp.McpUnavailable;
import dev.quarry.gateway.Exchange;
import dev.quarry.gateway.Origin;
import dev.quarry.gateway.Outcome;
import dev.quarry.gateway.PlatformCall;
import dev.quarry.identity.Credential;
import dev.quarry.policy.Actions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Runs the MCP calls of one model answer, in parallel (at most {@value #PARALLEL} at once). Each
 * is a platform call down the gateway: authenticated as the session, authorized as
 * {@code quarry:CallMcpTool} on {@code mcp/<server_label>/<tool>} and audited with the session
 * and turn, like any call a client makes. A refused or failed call is a failed item the model
 * reads, not a failed turn. Each call carries the idempotency key {@code <turn_id>:<call_id>}.
 */
final class McpCalls {
    static final int PARALLEL = 8;

    private McpCalls() {}

    /** The calls were interrupted: the turn was cancelled, or the node is stopping. */
    static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("the turn's tool calls were interrupted", null, false, false);
        }
    }

    /**
     * Runs {@code calls} (items in progress), handing each finished item to {@code done} as it
     * finishes.
     *
     * @throws Interrupted when the turn was cancelled or the node is stopping
     */
    static void run(RuntimeParts parts, TurnTools tools, TurnControl control, Credential credential, String sourceIp, Origin origin, List<Item> calls,
                    Consumer<Item> done) {
        Semaphore slots = new Semaphore(PARALLEL);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Item>> running = new ArrayList<>();
            for (Item item : calls) {
                running.add(threads.submit(() -> {
                    slots.acquire();
                    Thread self = Thread.currentThread();
                    control.toolCallStarted(self);
                    try {
                        return call(parts, tools, credential, sourceIp, origin, item);
                    } finally {
                        control.toolCallEnded(self);
                        slots.release();
                    }
                }));
            }
            for (Future<Item> future : running) {
                Item finished = future.get();
                done.accept(finished);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Interrupted();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof McpCallInterrupted || e.getCause() instanceof InterruptedException) throw new Interrupted();
            if (e.getCause() instanceof RuntimeException runtime) throw runtime;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A handler's reply when its call was interrupted: the gateway would otherwise take the exception for a failure inside Quarry. */
    private record Cut() {}

    private static Item call(RuntimeParts parts, TurnTools tools, Credential credential, String sourceIp, Origin origin, Item item) {
        ItemBody.McpCall call = (ItemBody.McpCall) item.body();
        TurnTools.McpTool tool = tools.mcpTool(call.serverLabel(), call.name());
        if (tool == null) {
            return item.withState(Item.FAILED, call.answered(null, "The MCP server '" + call.serverLabel() + "' is not connected in this run."));
        }
        String key = origin.turnId() + ":" + call.callId();
        PlatformCall platform = new PlatformCall(Actions.CALL_MCP_TOOL, new PlatformCall.Target.Known("mcp/" + call.serverLabel() + "/" + call.name()),
                () -> null, context -> {
                    try {
                        return tool.connection().call(call.name(), call.arguments() == null ? "{}" : call.arguments(), key);
                    } catch (McpUnavailable e) {
                        return new McpResult(true, e.getMessage());
                    } catch (McpCallInterrupted e) {
                        return new Cut();
                    }
                });
        Outcome outcome = parts.gateway().perform(Exchange.platform(Ids.next("req_", parts.clock().millis()), TurnRunner.SURFACE, platform,
                credential, sourceIp, TurnRunner.USER_AGENT).withOrigin(origin));
        // A server may echo the vault token it was sent: it is replaced before the item is committed.
        var scrubber = tools.scrubber();
        return switch (outcome) {
            case Outcome.Performed performed when performed.reply() instanceof Cut -> throw new Interrupted();
            case Outcome.Performed performed when performed.reply() instanceof McpResult result -> result.isError()
                    ? item.withState(Item.FAILED, call.answered(null, scrubber.scrub(result.text())))
                    : item.withState(Item.COMPLETED, call.answered(scrubber.scrub(result.text()), null));
            case Outcome.Rejected rejected -> item.withState(Item.FAILED, call.answered(null, scrubber.scrub(rejected.error().message())));
            default -> throw new IllegalStateException("an MCP call ended with " + outcome.getClass().getSimpleName());
        };
    }
}
