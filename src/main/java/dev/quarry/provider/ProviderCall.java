package dev.quarry.provider;

import dev.quarry.canonical.ChatRequest;
import java.util.Objects;

/**
 * One call to a provider: the canonical request and the model name to ask the upstream for
 * (the deployment's, which is often not the id the client used).
 *
 * @param stream whether the client reads the answer as it is generated. When it does not, a
 *               provider may ask its upstream for the whole answer at once, which is cheaper to
 *               read than a stream of small events, and return it as the same canonical events.
 */
public record ProviderCall(ChatRequest request, String upstreamModel, boolean stream) {
    public ProviderCall {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
    }
}
