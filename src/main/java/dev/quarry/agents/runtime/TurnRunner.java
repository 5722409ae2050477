package dev.quarry.agents.runtime;

import dev.quarry.agents.environment.FileTools;
import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.AgentTool;
import dev.quarry.agents.model.Approval;
import dev.quarry.agents.model.EnvironmentSpec;
import dev.quarry.agents.model.EnvironmentState;
import dev.quarry.agents.model.EventPayload;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.SessionEvent;
import dev.quarry.agents.model.Turn;
import dev.quarry.agents.model.TurnError;
import dev.quarry.agents.model.TurnUsage;
import dev.quarry.agents.store.InterruptedCalls;
import dev.quarry.agents.store.SessionTx;
import dev.quarry.agents.store.TurnStore;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.canonical.Usage;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.gateway.Exchange;
import dev.quarry.gateway.Operation;
import dev.quarry.gateway.Origin;
import dev.quarry.gateway.Outcome;
import dev.quarry.identity.Credential;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one claimed turn until it ends, waits for function results, or its lease is lost: model
 * call, tool calls, model call… Every step is committed before its events are published, and
 * every write is fenced by the claim, so a runner that lost its turn to another node writes
 * nothing more. A resumed turn continues from its committed items: an answer that was being
 * streamed when its node stopped is kept as incomplete and the model is asked again.
 */
final class TurnRunner {
    private static final Logger LOG = Logger.getLogger(TurnRunner.class.getName());
    static final String SURFACE = "agents.harness";
    static final String USER_AGENT = "quarry-agents";
    static final String INTERRUPTED = "interrupted: the call was in flight when its node stopped; it may or may not have run";
    static final String COMMAND_INTERRUPTED = "interrupted: the command was running when its node stopped; it was not run again";

    private final RuntimeParts parts;
    private final TurnStore.Claim claim;
    private final TurnControl control;
    private final Session session;
    private Turn turn;
    private TurnTools tools;
    /** The sequence number of the last event this runner committed: live deltas are numbered after it (a command's, on the executor's thread). */
    private volatile long lastSeq = -1;
    private final LiveNumbers liveNumbers = new LiveNumbers();
    /** The agent as this run shows it to the model: the session's, with its skills listed in its instructions. */
    private AgentSpec agent;
    /** Where the request that opened the turn came from: its calls are authorized with the condition keys of that request. */
    private String sourceIp;

    TurnRunner(RuntimeParts parts, TurnStore.Claim claim, TurnControl control, Session session, Turn turn) {
        this.parts = parts;
        this.claim = claim;
        this.control = control;
        this.session = session;
        this.turn = turn;
        this.agent = session.spec();
    }

    void run() {
        sourceIp = parts.store().sourceIp(turn.id());
        if (turn.status().equals(Turn.QUEUED) || turn.startedAt() == null) turn = commit(tx -> TurnStates.started(tx, turn));
        control.deadline(deadline());
        FileTools files = session.environment() instanceof EnvironmentSpec.None ? null : FileTools.of(session.environment());
        // The link is closed last: a stdio MCP server's process is ended before its executor is let go.
        try (EnvironmentLink link = environmentLink(); TurnTools connected = TurnTools.connect(parts, session.spec(), session.id(),
                new VaultUse(parts, session.id(), credential(), sourceIp, origin()), link, files)) {
            tools = connected;
            if (files != null && files.hasSkillDirectories()) agent = SkillList.withSkills(agent, files.skills(link.executor()), session.id());
            loop(recover());
        } catch (TurnTools.RequiredServerDown e) {
            commit(tx -> TurnStates.failed(tx, turn, e.error));
        } catch (EnvironmentLink.Unavailable e) {
            commit(tx -> TurnStates.failedWithOpenCalls(tx, turn, e.error));
        } catch (McpCalls.Interrupted e) {
            if (control.abandoned()) throw new Abandoned();
            commit(tx -> TurnStates.cancelled(tx, turn));
        }
    }

    /** The run's link to the session's executor, {@code null} for a session without an environment. */
    private EnvironmentLink environmentLink() {
        if (session.environment() instanceof EnvironmentSpec.None) return null;
        EnvironmentState state = parts.sessions().environment(session.id())
                .orElseThrow(() -> new IllegalStateException("session " + session.id() + " has an environment without a state row"));
        return new EnvironmentLink(parts, session, turn.id(), state, control, change -> commit(tx -> {
            change.accept(tx);
            return null;
        }), deadline());
    }

    /** Model call, tool calls, model call… until the answer calls no tool, a function's result is awaited, or the turn stops. */
    private void loop(List<Item> unfinishedCalls) {
        if (!unfinishedCalls.isEmpty()) {
            tools.quota(CommandQuota.of(parts.store().history(session.id()), parts.settings().environments()));
            runTools(unfinishedCalls);
        }
        while (true) {
            if (cancelRequested()) {
                commit(tx -> TurnStates.cancelled(tx, turn));
                return;
            }
            intake();
            // Read once per model call: the loop check, the prompt and the calls' ids all come from it.
            List<Item> history = parts.store().history(session.id());
            tools.quota(CommandQuota.of(history, parts.settings().environments()));
            TurnError limit = limitReached(history);
            if (limit != null) {
                commit(tx -> TurnStates.failed(tx, turn, limit));
                return;
            }
            Answer answer = callModel(history);
            if (answer == null) return; // the turn ended (failed or cancelled) during the call
            if (answer.calls().isEmpty()) {
                // A message that came in during the answer is answered in this turn: it does not end while one waits.
                boolean ended = commit(tx -> {
                    if (tx.hasPending()) return false;
                    TurnStates.completed(tx, turn);
                    return true;
                });
                if (ended) return;
                continue;
            }
            // Calls held for a person's approval wait with the turn; MCP calls of the answer run meanwhile.
            runTools(answer.held() ? answer.calls().stream().filter(c -> c.body() instanceof ItemBody.McpCall && !needsApproval(c.body())).toList()
                    : answer.calls());
            if (answer.held() || !TurnStates.pendingCalls(answer.calls()).isEmpty()) {
                turn = commit(tx -> TurnStates.waiting(tx, turn));
                parts.store().release(turn.id(), claim.fence());
                return;
            }
            // Only tool calls answered already: the model reads their results in its next call.
        }
    }

    /** Runs the calls Quarry makes itself: MCP calls (in parallel), then environment calls (in order). */
    private void runTools(List<Item> calls) {
        List<Item> mcp = calls.stream().filter(c -> c.body() instanceof ItemBody.McpCall).toList();
        List<Item> environment = calls.stream().filter(c -> c.body() instanceof ItemBody.CommandExecution
                || c.body() instanceof ItemBody.EnvironmentCall).toList();
        if (!mcp.isEmpty()) McpCalls.run(parts, tools, control, credential(), sourceIp, origin(), mcp, this::done);
        if (!environment.isEmpty()) {
            EnvironmentCalls.run(parts, tools, control, credential(), sourceIp, origin(), environment, this::publishOutput, this::done);
        }
    }

    private void done(Item finished) {
        commit(tx -> {
            TurnStates.itemDone(tx, finished, null);
            return null;
        });
    }

    /** A command's output as it comes: live only, the item keeps it when the command ends. */
    private void publishOutput(Item command, String text) {
        if (text.isEmpty()) return;
        parts.hub().publishLive(new SessionEvent(session.id(), lastSeq, liveNumbers.next(lastSeq), "agent.output.command_execution_output.delta",
                turn.id(), new EventPayload.TextPart(command.id(), 0, 0, text), parts.clock().millis()));
    }

    private boolean cancelRequested() {
        return control.cancelled() || parts.store().cancelRequested(turn.id());
    }

    /** Messages that arrived while the turn ran are taken in before its next model call. */
    private void intake() {
        commit(tx -> {
            TurnStates.takeIn(tx, turn);
            return null;
        });
    }

    private TurnError limitReached(List<Item> history) {
        RuntimeSettings settings = parts.settings();
        TurnError loop = LoopDetector.loop(history.stream().filter(i -> i.turnId().equals(turn.id())).toList(), settings.loopRepeats());
        if (loop != null) return loop;
        if (turn.modelCalls() >= settings.maxModelCalls()) return TurnErrors.limit("model calls", settings.maxModelCalls());
        if (turn.toolCalls() >= settings.maxToolCalls()) return TurnErrors.limit("tool calls", settings.maxToolCalls());
        if (parts.clock().millis() > deadline()) return timedOut();
        return null;
    }

    private TurnError timedOut() {
        return new TurnError("request_timeout", "The turn ran longer than its limit of " + parts.settings().turnTimeout().toSeconds() + " s.");
    }

    private long deadline() {
        return (turn.startedAt() == null ? turn.createdAt() : turn.startedAt()) + parts.settings().turnTimeout().toMillis();
    }

    /**
     * Settles what a stopped runner left in progress: an answer being streamed is kept as
     * incomplete (the model is asked again); an MCP call in flight is never re-run blindly: it
     * fails as interrupted, unless its tool is marked idempotent, when it is returned to be sent
     * again with the same idempotency key.
     */
    private List<Item> recover() {
        InterruptedCalls inFlight = inFlightModelCall();
        return commit(tx -> {
            List<Item> again = new ArrayList<>();
            Map<String, Approval> approvals = new HashMap<>();
            tx.approvals(turn.id()).forEach(a -> approvals.put(a.callId(), a));
            List<String> approved = new ArrayList<>();
            for (Item item : tx.items(turn.id())) {
                if (!item.status().equals(Item.IN_PROGRESS)) continue;
                Approval approval = approvals.get(item.body().callId());
                if (approval != null && !approval.used()) {
                    // A call that waited for approval has not started: it runs now, once, or is refused as decided.
                    switch (approval.status()) {
                        case Approval.APPROVED -> {
                            again.add(item);
                            approved.add(approval.callId());
                        }
                        case Approval.PENDING -> { }
                        default -> TurnStates.itemDone(tx, EnvironmentCalls.failed(item, approval.refusal()), null);
                    }
                    continue;
                }
                switch (item.body()) {
                    case ItemBody.McpCall call when tools.idempotent(call) -> again.add(item);
                    case ItemBody.McpCall call -> TurnStates.itemDone(tx, item.withState(Item.FAILED, call.answered(null, INTERRUPTED)), null);
                    // The executor ended the command with the connection to the stopped node: it is never run again.
                    case ItemBody.CommandExecution command -> TurnStates.itemDone(tx, item.withState(Item.FAILED,
                            command.ended(command.output(), null, null, COMMAND_INTERRUPTED)), null);
                    case ItemBody.EnvironmentCall call when !FileTools.writes(call.tool()) -> again.add(item);
                    case ItemBody.EnvironmentCall call -> TurnStates.itemDone(tx, item.withState(Item.FAILED, call.answered(null, INTERRUPTED)), null);
                    default -> TurnStates.itemDone(tx, item.withState(Item.INCOMPLETE, item.body()), null);
                }
            }
            if (inFlight != null) tx.modelCallsInterrupted(turn.id(), inFlight);
            tx.approvalsUsed(turn.id(), approved);
            return again;
        });
    }

    /**
     * What the ledger bills for a model call left in flight by a stopped node ({@code null}: none
     * was): its prompt as the history held it, without the answer it was writing.
     */
    private InterruptedCalls inFlightModelCall() {
        boolean inFlight = parts.store().attempts(turn.id(), turn.step()).stream()
                .anyMatch(a -> a.kind().equals("model") && a.status().equals("started"));
        if (!inFlight) return null;
        List<Item> prompt = parts.store().history(session.id()).stream().filter(i -> !i.status().equals(Item.IN_PROGRESS)).toList();
        long tokens = TokenEstimate.of(Conversation.request(agent, prompt, tools.specs()));
        return new InterruptedCalls(session.ownerId(), session.onBehalfOf(), SURFACE, session.spec().model(), tokens);
    }

    /** What one model call answered, once committed: its tool call items (none: the turn is done), and those to run on MCP servers. */
    private record Answer(List<Item> calls, boolean held) {}

    private Answer callModel(List<Item> history) {
        String requestId = Ids.next("req_", parts.clock().millis());
        commit(tx -> {
            tx.attemptStarted(turn.id(), turn.step(), "model", "", requestId, null);
            return null;
        });
        ChatRequest asked = Conversation.request(agent, history, tools.specs());
        ModelEntry model = parts.catalog().find(session.spec().model()).orElse(null);
        if (session.spec().compaction() && Compactor.needed(asked, model)) {
            if (!compact(asked, model)) return null;
            history = parts.store().history(session.id());
            asked = Conversation.request(agent, history, tools.specs());
        }
        Set<String> taken = CallIds.taken(history);
        ChatRequest request = asked;
        Exchange exchange = Exchange.start(requestId, SURFACE, () -> new Operation.Chat(request, true), credential(), sourceIp, USER_AGENT)
                .withOrigin(origin());
        Outcome outcome = parts.gateway().handle(exchange);
        return switch (outcome) {
            case Outcome.Rejected rejected -> {
                failCall(TurnErrors.of(rejected.error()), null);
                yield null;
            }
            case Outcome.Streamed streamed -> read(streamed.stream(), taken);
            default -> throw new IllegalStateException("a chat call answered " + outcome.getClass().getSimpleName());
        };
    }

    /**
     * Replaces the history by the model's summary of it: one model call, through the pipeline as
     * any other (billed, audited, counted in the turn), whose answer becomes a {@code compaction}
     * item. False when the call failed, which failed the turn.
     */
    private boolean compact(ChatRequest conversation, ModelEntry model) {
        String requestId = Ids.next("req_", parts.clock().millis());
        Exchange exchange = Exchange.start(requestId, SURFACE, () -> new Operation.Chat(Compactor.summaryRequest(conversation, model), true),
                credential(), sourceIp, USER_AGENT).withOrigin(origin());
        Compactor.Summary summary;
        try {
            summary = switch (parts.gateway().handle(exchange)) {
                case Outcome.Streamed streamed -> summary(streamed.stream());
                case Outcome.Rejected rejected -> throw rejected.error().exception();
                default -> throw new IllegalStateException("a chat call answered otherwise than with a stream");
            };
        } catch (QuarryException e) {
            if (!stopped(new Streaming())) failCall(TurnErrors.of(e.error()), null);
            return false;
        }
        if (stopped(new Streaming())) return false;
        turn = commit(tx -> {
            Item item = tx.addItem(turn.id(), Item.COMPLETED, new ItemBody.Compaction(summary.text()), turn.step());
            TurnStates.itemAddedAndDone(tx, item, null);
            Usage used = summary.usage();
            Turn next = TurnStates.afterModelCall(turn, new TurnUsage(used.totalInputTokens(), used.cacheReadTokens(), used.outputTokens(), 0), 0);
            tx.update(next);
            return next;
        });
        return true;
    }

    /** Reads the summary where a cancel or the turn's deadline can cut it, as an answer can be. */
    private Compactor.Summary summary(EventStream stream) {
        control.reading(stream);
        try {
            return Compactor.read(stream);
        } finally {
            control.doneReading();
        }
    }

    /** Ends the turn when a cancel or its deadline cut the call just read; false when neither did. */
    private boolean stopped(Streaming answer) {
        if (control.cancelled()) cancelDuringCall(answer);
        else if (control.timedOut()) failCall(timedOut(), answer);
        else return false;
        return true;
    }

    /** Reads the model's answer as it streams: text is committed as an item when it starts and when it ends, deltas go out live. */
    /** @param taken the call ids the session already has, which the answer's calls must not reuse */
    private Answer read(EventStream stream, Set<String> taken) {
        control.reading(stream);
        Streaming answer = new Streaming();
        try (stream) {
            while (stream.hasNext()) {
                switch (stream.next()) {
                    case StreamEvent.BlockStart start when start.block() instanceof ContentBlock.Text && !answer.hasText() -> answer.textStarts(commit(tx -> {
                        Item item = tx.addItem(turn.id(), Item.IN_PROGRESS, new ItemBody.AssistantMessage(""), turn.step());
                        tx.event("agent.session.turn.item.added", turn.id(), new EventPayload.ItemState(item, answer.outputIndex()));
                        tx.event("agent.session.turn.content_part.added", turn.id(),
                                new EventPayload.TextPart(item.id(), answer.outputIndex(), 0, ""));
                        return item;
                    }));
                    case StreamEvent.BlockStart start when start.block() instanceof ContentBlock.ToolUse use -> answer.callStarts(use);
                    case StreamEvent.TextDelta delta -> {
                        if (answer.text(delta.text())) publishDelta(answer, delta.text());
                    }
                    case StreamEvent.ToolInputDelta delta -> answer.callInput(delta.fragment());
                    case StreamEvent.UsageReport report -> answer.usage(report.usage());
                    default -> { }
                }
            }
        } catch (QuarryException e) {
            control.doneReading();
            if (!stopped(answer)) failCall(TurnErrors.of(e.error()), answer);
            return null;
        } finally {
            control.doneReading();
        }
        if (stopped(answer)) return null;
        return commitAnswer(answer, taken);
    }

    private void publishDelta(Streaming answer, String text) {
        parts.hub().publishLive(new SessionEvent(session.id(), lastSeq, answer.nextLive(lastSeq), "agent.session.turn.output_text.delta", turn.id(),
                new EventPayload.TextPart(answer.item().id(), answer.outputIndex(), 0, text), parts.clock().millis()));
    }

    /**
     * The answer's items done, its calls recorded (an MCP call in progress, to run; a function
     * call done, for the application to run) and the turn one step further, in one transaction.
     */
    private Answer commitAnswer(Streaming answer, Set<String> taken) {
        // Read before the transaction: only this runner adds calls to the session, so none is added meanwhile.
        List<ItemBody> calls = tools.items(CallIds.unique(answer.calls(), taken, parts.clock().millis()));
        List<Item> recorded = new ArrayList<>();
        boolean held = calls.stream().anyMatch(this::needsApproval);
        long expiresAt = parts.clock().millis() + parts.settings().environments().approvalExpiry().toMillis();
        turn = commit(tx -> {
            answer.finishText(tx, turn);
            int index = answer.firstCallIndex();
            for (ItemBody call : calls) {
                switch (call) {
                    case ItemBody.McpCall _, ItemBody.CommandExecution _, ItemBody.EnvironmentCall _ -> {
                        Item item = tx.addItem(turn.id(), Item.IN_PROGRESS, call, turn.step());
                        tx.event("agent.session.turn.item.added", turn.id(), new EventPayload.ItemState(item, index++));
                        recorded.add(item);
                        // An MCP call runs on its own unless it needs approval; environment calls wait together, to keep their order.
                        if (held && (!(call instanceof ItemBody.McpCall) || needsApproval(call))) {
                            tx.holdForApproval(item, call.callId(), toolName(call), arguments(call), expiresAt, !needsApproval(call));
                        }
                    }
                    case ItemBody.FunctionCallOutput unknownTool -> {
                        Item item = tx.addItem(turn.id(), Item.FAILED, unknownTool, turn.step());
                        TurnStates.itemAddedAndDone(tx, item, index++);
                        recorded.add(item);
                    }
                    default -> {
                        Item item = tx.addItem(turn.id(), Item.COMPLETED, call, turn.step());
                        TurnStates.itemAddedAndDone(tx, item, index++);
                        recorded.add(item);
                    }
                }
            }
            tx.attemptsEnded(turn.id(), "model", "", "completed");
            Turn next = TurnStates.afterModelCall(turn, answer.turnUsage(), answer.calls().size());
            tx.update(next);
            return next;
        });
        return new Answer(recorded, held);
    }

    /**
     * Whether a person must approve the call first: a harness tool the session's environment names
     * in {@code quarry_require_approval}, or an MCP tool its server's {@code quarry_require_approval} names.
     */
    private boolean needsApproval(ItemBody call) {
        return switch (call) {
            case ItemBody.McpCall mcp -> session.spec().tools().stream()
                    .anyMatch(t -> t instanceof AgentTool.Mcp server && server.serverLabel().equals(mcp.serverLabel()) && server.needsApproval(mcp.name()));
            case ItemBody.CommandExecution command -> session.environment().requireApproval().contains(HarnessTools.SHELL);
            case ItemBody.EnvironmentCall environment -> session.environment().requireApproval().contains(environment.tool());
            default -> false;
        };
    }

    /** The tool a held call calls, as the model named it. */
    private static String toolName(ItemBody call) {
        return call instanceof ItemBody.McpCall mcp ? McpToolNames.name(mcp.serverLabel(), mcp.name()) : HarnessTools.name(call);
    }

    private static String arguments(ItemBody call) {
        return call instanceof ItemBody.McpCall mcp ? mcp.arguments() : HarnessTools.arguments(call);
    }

    /** Who the turn's calls act as: the session's owner (a role acting for its assumer), until the turn's deadline. */
    private Credential credential() {
        return new Credential.Harness(session.ownerId(), session.onBehalfOf(),
                session.onBehalfOf() == null ? null : Instant.ofEpochMilli(deadline()));
    }

    private Origin origin() {
        return new Origin(session.id(), turn.id(), session.spendLimitMicros());
    }

    private void cancelDuringCall(Streaming answer) {
        commit(tx -> {
            answer.abandonText(tx, turn);
            tx.attemptsEnded(turn.id(), "model", "", "cancelled");
            return TurnStates.cancelled(tx, turn);
        });
    }

    private void failCall(TurnError error, Streaming answer) {
        commit(tx -> {
            if (answer != null) answer.abandonText(tx, turn);
            tx.attemptsEnded(turn.id(), "model", "", "failed");
            return TurnStates.failed(tx, turn, error);
        });
    }

    /** Commits {@code work} fenced by this runner's claim, then publishes what it recorded. */
    private <T> T commit(Function<SessionTx, T> work) {
        if (control.abandoned()) throw new Abandoned();
        TurnStore.Committed<T> committed = parts.store().inTurn(session.id(), turn.id(), claim.fence(), parts.clock().millis(), work);
        if (!committed.events().isEmpty()) lastSeq = committed.events().getLast().seq();
        parts.hub().publish(committed.events());
        return committed.result();
    }

    /** The node is stopping: nothing more is written, and the turn resumes from its last commit. */
    static final class Abandoned extends RuntimeException {
        Abandoned() {
            super("the node is stopping", null, false, false);
        }
    }

    static void logFailure(String turnId, RuntimeException e) {
        LOG.log(Level.WARNING, "turn " + turnId + " failed inside Quarry", e);
    }
}
