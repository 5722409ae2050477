package dev.quarry.server;

import dev.quarry.canonical.QuarryError;
import dev.quarry.surface.WireReply;
import dev.quarry.surface.anthropic.AnthropicErrors;
import dev.quarry.surface.bedrock.BedrockErrors;
import dev.quarry.surface.openai.OpenAiErrors;

/**
 * An error in the shape the client at a path expects, for code that answers before any route
 * has chosen (draining, the connection cap): an SDK reads the error object of its own API, and
 * Bedrock's SDKs pick their exception from {@code X-Amzn-Errortype}.
 */
final class SurfaceErrors {
    private SurfaceErrors() {}

    static WireReply reply(String path, QuarryError error) {
        if (path.equals("/v1/messages") || path.startsWith("/v1/messages/")) return AnthropicErrors.reply(error);
        if (path.startsWith("/model/") || path.startsWith("/guardrail/")) return BedrockErrors.reply(error);
        return OpenAiErrors.reply(error);
    }
}
