package dev.quarry.provider;

import dev.quarry.canonical.EmbeddingRequest;
import dev.quarry.canonical.EmbeddingResponse;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;

/** An upstream that serves models. Implementations are thread-safe and shared by all requests. */
public interface Provider {

    /** This provider's configured name (the {@code provider} of a deployment). */
    String name();

    /**
     * Starts a chat call and returns its event stream. Failures before the first event (bad
     * credentials, throttling, a refused request) are thrown here, so a caller can still choose
     * another deployment; failures after it are thrown from the stream.
     *
     * @throws QuarryException with a canonical error kind
     */
    EventStream stream(ProviderCall call);

    /**
     * Whether a call for a client that does not stream ({@link ProviderCall#stream()} false) is sent
     * as a request for the whole answer; otherwise it must be sent with {@code stream} true. Only
     * providers configured with {@link ProviderOption#WHOLE_ANSWERS} do.
     */
    default boolean answersWhole() {
        return false;
    }

    /** Embeds texts with the given upstream model. */
    default EmbeddingResponse embed(EmbeddingRequest request, String upstreamModel) {
        throw QuarryException.of(ErrorKind.UNSUPPORTED_FEATURE,
                "Provider '" + name() + "' does not serve embeddings; deploy '" + request.model()
                        + "' on a provider that does.");
    }
}
