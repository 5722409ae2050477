package dev.quarry.surface.openai;

import dev.quarry.canonical.ChatRequest;
import java.util.List;

/**
 * A decoded Responses request.
 *
 * @param stream          whether the client wants the answer streamed
 * @param setAsideTools   OpenAI-hosted tools the request offered that no model behind Quarry can
 *                        run; they were not offered to the model (reported in a response header)
 */
public record ResponsesCall(ChatRequest request, boolean stream, List<String> setAsideTools) {
    public ResponsesCall {
        setAsideTools = List.copyOf(setAsideTools);
    }
}
