package dev.quarry.bench.jmh;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.provider.anthropic.internal.MessagesRequestEncoder;
import dev.quarry.provider.wire.Json;
import dev.quarry.surface.openai.ChatCompletionsDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * Canonical translation of a coding agent's request (a system prompt, ten turns with three tool
 * calls and their results, three function tools; 3.4 KB): the Chat Completions body's bytes
 * into a {@link ChatRequest} (JSON parse included, as the surface's endpoint parses before it
 * decodes), and that request into the bytes of an Anthropic Messages upstream body (the encoder
 * the Anthropic provider calls, tool inputs and schemas re-parsed, then serialized).
 */
public class TranslationBench extends Microbenchmark {
    byte[] chatCompletionsBody;
    ChatRequest request;

    @Setup
    public void setUp() {
        chatCompletionsBody = Fixtures.chatCompletionsBody();
        request = decodeChatCompletions();
        if (request.messages().size() != 9 || request.tools().size() != 3 || request.system().isEmpty()) {
            throw new IllegalStateException("the fixture should decode to a system prompt, 9 messages (two tool results merge into one) and 3 tools: " + request);
        }
        encodeAnthropicMessages();
    }

    @Benchmark
    public ChatRequest decodeChatCompletions() {
        return ChatCompletionsDecoder.decode(dev.quarry.surface.Json.parseObject(chatCompletionsBody)).request();
    }

    @Benchmark
    public byte[] encodeAnthropicMessages() {
        return Json.bytes(MessagesRequestEncoder.encode(request, "claude-sonnet-4-5-20250929", 4096, true));
    }
}
