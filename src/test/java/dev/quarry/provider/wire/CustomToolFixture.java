package dev.quarry.provider.wire;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.ToolSpec;
import java.util.List;
import java.util.Map;

/** Codex's apply_patch as a custom tool, and a conversation that already called it once: what every JSON-tools encoder is tested with. */
public final class CustomToolFixture {
    public static final String GRAMMAR = "start: begin_patch hunk+ end_patch\nbegin_patch: \"*** Begin Patch\" LF";
    public static final ToolSpec APPLY_PATCH = new ToolSpec("apply_patch", "Edits files.", null, ToolKind.CUSTOM,
            Json.object().put("type", "grammar").put("syntax", "lark").put("definition", GRAMMAR).toString());
    public static final String PATCH = "*** Begin Patch\n*** Add File: a.txt\n+\"hi\"\n*** End Patch";
    /** The schema the function form of a custom tool takes. */
    public static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"input\":{\"type\":\"string\",\"description\":"
            + "\"The whole input of the tool, as raw text in the format the tool's description gives, not JSON.\"}},\"required\":[\"input\"]}";

    private CustomToolFixture() {}

    /** A user asks, the assistant called apply_patch with {@link #PATCH}, the client answered "Done." */
    public static ChatRequest request(String model) {
        return new ChatRequest(model, List.of(), List.of(
                Message.user("Fix it."),
                new Message(Role.ASSISTANT, List.of(new ContentBlock.ToolUse("call_1", "apply_patch", PATCH, ToolKind.CUSTOM))),
                new Message(Role.USER, List.of(new ContentBlock.ToolResult("call_1", List.of(new ContentBlock.Text("Done.")), false)))),
                List.of(APPLY_PATCH), null, null, Map.of());
    }
}
