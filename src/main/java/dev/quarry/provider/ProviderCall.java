package dev.quarry.provider;

import dev.quarry.canonical.ChatRequest;
import java.util.Objects;

/**
 * One call to a provider: the canonical request and the model name to ask the upstream for
 * (the deployment's, which is often not the id the client used).
 */
public record ProviderCall(ChatRequest request, String upstreamModel) {
    public ProviderCall {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
    }
}
