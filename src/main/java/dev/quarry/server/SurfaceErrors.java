package dev.quarry.server;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.surface.WireReply;
import dev.quarry.surface.anthropic.AnthropicErrors;
import dev.quarry.surface.bedrock.BedrockErrors;
import dev.quarry.surface.openai.OpenAiErrors;
import io.helidon.webserver.http.ServerRequest;
import java.util.Arrays;

/**
 * An error in the shape the client of a request expects, by its path (and, on the model list both
 * APIs share, its headers), for code that answers outside a route (draining, the connection cap, a
 * fault that escaped): an SDK reads the error object of its own API, and Bedrock's SDKs pick their
 * exception from {@code X-Amzn-Errortype}.
 */
final class SurfaceErrors {
    private SurfaceErrors() {}

    static WireReply reply(ServerRequest req, QuarryError error) {
        String path = req.path().path();
        if (path.equals("/v1/messages") || path.startsWith("/v1/messages/")) return AnthropicErrors.reply(error);
        // The model list is shared: an Anthropic SDK's request (it sends anthropic-version) gets Anthropic's shape there.
        if ((path.equals("/v1/models") || path.startsWith("/v1/models/")) && AnthropicRoutes.fromAnthropicClient(req)) {
            return AnthropicErrors.reply(error);
        }
        if (path.startsWith("/model/") || path.startsWith("/guardrail/")) return BedrockErrors.reply(error);
        // Everything else is OpenAI's, /openai/v1 included: Bedrock's OpenAI-compatible endpoint answers its clients in OpenAI's shape.
        return OpenAiErrors.reply(error);
    }

    /** An error the HTTP layer decides (no route for the path, a method the path does not take): its own status, in the surface's shape. */
    static WireReply withStatus(ServerRequest req, int status, String message) {
        WireReply reply = reply(req, QuarryError.of(kindOf(status), message));
        return new WireReply(status, reply.contentType(), reply.body(), reply.headers());
    }

    /** The first error kind sent with that status; a client error without one reads as a bad request. */
    private static ErrorKind kindOf(int status) {
        return Arrays.stream(ErrorKind.values()).filter(kind -> kind.httpStatus() == status).findFirst()
                .orElse(status < 500 ? ErrorKind.INVALID_REQUEST : ErrorKind.INTERNAL);
    }
}
