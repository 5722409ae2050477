package dev.quarry.agents.runtime;

import dev.quarry.agents.model.EventPayload;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.agents.model.Turn;
import dev.quarry.agents.model.TurnUsage;
import dev.quarry.agents.store.SessionTx;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * One model answer as it streams in: its text (one message item, however many text blocks the
 * model sends), the tool calls it makes, and its usage. Text longer than {@value #MAX_TEXT} characters is cut, so a runaway
 * answer cannot grow a row without bound.
 */
final class Streaming {
    static final int MAX_TEXT = 1024 * 1024;
    static final int MAX_CALL_INPUT = 256 * 1024;

    private Item textItem;
    private final StringBuilder text = new StringBuilder();
    private final List<ContentBlock.ToolUse> calls = new ArrayList<>();
    private StringBuilder callInput;
    private ContentBlock.ToolUse call;
    private Usage usage = Usage.ZERO;
    private final LiveNumbers live = new LiveNumbers();

    /** The answer's text began: its item is {@code item}. */
    void textStarts(Item item) {
        closeCall();
        textItem = item;
    }

    boolean hasText() {
        return textItem != null;
    }

    Item item() {
        return textItem;
    }

    /** The text's place in the model's output: first, as it is written before any call item. */
    int outputIndex() {
        return 0;
    }

    /** Where the call items begin in the model's output. */
    int firstCallIndex() {
        return textItem == null ? 0 : 1;
    }

    /** Adds a fragment of the text; false when the text is full and the fragment is dropped. */
    boolean text(String fragment) {
        if (textItem == null || text.length() + fragment.length() > MAX_TEXT) return false;
        text.append(fragment);
        return true;
    }

    void callStarts(ContentBlock.ToolUse use) {
        closeCall();
        call = use;
        callInput = new StringBuilder(use.input() == null ? "" : use.input());
    }

    void callInput(String fragment) {
        if (callInput != null && callInput.length() + fragment.length() <= MAX_CALL_INPUT) callInput.append(fragment);
    }

    void usage(Usage report) {
        usage = report;
    }

    TurnUsage turnUsage() {
        return new TurnUsage(usage.totalInputTokens(), usage.cacheReadTokens(), usage.outputTokens(), 0);
    }

    /** The number of the next live delta after committed event {@code seq}. */
    int nextLive(long seq) {
        return live.next(seq);
    }

    /** The tool calls the model made, in order. */
    List<ContentBlock.ToolUse> calls() {
        closeCall();
        return List.copyOf(calls);
    }

    /** Ends the open text item as completed, with its events. */
    void finishText(SessionTx tx, Turn turn) {
        endText(tx, turn, Item.COMPLETED);
    }

    /** Ends the open text item as incomplete: the answer was cut by a failure or a cancel. */
    void abandonText(SessionTx tx, Turn turn) {
        endText(tx, turn, Item.INCOMPLETE);
    }

    private void endText(SessionTx tx, Turn turn, String status) {
        if (textItem == null) return;
        Item done = textItem.withState(status, new ItemBody.AssistantMessage(text.toString()));
        int index = outputIndex();
        tx.event("agent.session.turn.output_text.done", turn.id(), new EventPayload.TextPart(done.id(), index, 0, text.toString()));
        tx.event("agent.session.turn.content_part.done", turn.id(), new EventPayload.TextPart(done.id(), index, 0, text.toString()));
        TurnStates.itemDone(tx, done, index);
    }

    private void closeCall() {
        if (call == null) return;
        calls.add(new ContentBlock.ToolUse(call.id(), call.name(), callInput.toString(), call.kind()));
        call = null;
        callInput = null;
    }
}
