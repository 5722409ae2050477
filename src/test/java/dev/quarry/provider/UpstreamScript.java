package dev.quarry.provider;

import dev.quarry.provider.ProviderContractTest.UpstreamFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a stub upstream answers its next request, described in terms every upstream shares; each
 * provider's stub renders it in its own wire format. The stubs speak those formats exactly, so the
 * scripts say what happens, never how it looks.
 */
public sealed interface UpstreamScript {
    /** Characters per streamed delta: small, so that every answer streams in several pieces. */
    int PIECE = 5;

    /** A piece of a scripted answer. */
    sealed interface Part {}

    record Text(String text) implements Part {}

    record ToolCall(String id, String name, String arguments) implements Part {}

    /** Reasoning, with the upstream's signature when it gives one ({@code null} when not). */
    record Reasoning(String text, String signature) implements Part {}

    /**
     * A streamed answer. {@code truncated}: it stops at the output token limit. {@code cutAfter}: the
     * stub hangs up after that many frames of the stream (negative: never).
     */
    record Answer(List<Part> parts, boolean truncated, int cutAfter) implements UpstreamScript {}

    /** One of the failures the contract kit scripts, in the upstream's own words. */
    record Failure(UpstreamFailure failure) implements UpstreamScript {}

    /** A call accepted, whose stream then carries the upstream's "overloaded" error instead of an answer. */
    record StreamedOverload() implements UpstreamScript {}

    /** Any other error answer, exactly as given. */
    record RawError(int status, String body, Map<String, String> headers) implements UpstreamScript {}

    static Answer answer(Part... parts) {
        return new Answer(List.of(parts), false, -1);
    }

    static Answer truncated(Part... parts) {
        return new Answer(List.of(parts), true, -1);
    }

    static Answer cutAfter(int frames, Part... parts) {
        return new Answer(List.of(parts), false, frames);
    }

    static Text text(String text) {
        return new Text(text);
    }

    static ToolCall toolCall(String id, String name, String arguments) {
        return new ToolCall(id, name, arguments);
    }

    static Reasoning reasoning(String text, String signature) {
        return new Reasoning(text, signature);
    }

    /** Text cut into {@link #PIECE}-character deltas. */
    static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        for (int start = 0; start < text.length(); start += PIECE) pieces.add(text.substring(start, Math.min(text.length(), start + PIECE)));
        return pieces;
    }
}
