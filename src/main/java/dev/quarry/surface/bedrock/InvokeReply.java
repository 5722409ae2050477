package dev.quarry.surface.bedrock;

import dev.quarry.canonical.Usage;
import dev.quarry.surface.WireReply;
import java.util.Map;

/** An InvokeModel answer: the family's JSON body, with the token counts and latency Bedrock reports in headers for every family. */
final class InvokeReply {
    private InvokeReply() {}

    static WireReply of(byte[] body, Usage usage, long latencyMillis) {
        return new WireReply(200, "application/json", body, Map.of(
                "X-Amzn-Bedrock-Input-Token-Count", Long.toString(usage.totalInputTokens()),
                "X-Amzn-Bedrock-Output-Token-Count", Long.toString(usage.outputTokens()),
                "X-Amzn-Bedrock-Invocation-Latency", Long.toString(latencyMillis)));
    }
}
