package dev.quarry.routing;

import dev.quarry.canonical.ErrorKind;
import java.util.List;

/** The attempts one request made, in order: what it reports in its response headers and its ledger row. */
public record RouteTrace(List<Attempt> attempts) {
    public static final RouteTrace NONE = new RouteTrace(List.of());

    /**
     * @param deployment the deployment's key, {@code provider/upstreamModel}
     * @param failure    why it failed, {@code null} for the attempt that served
     */
    public record Attempt(String model, String deployment, ErrorKind failure, long millis) {}

    public RouteTrace {
        attempts = List.copyOf(attempts);
    }

    /** The models tried, each once, in the order they were first tried: the fallback path. */
    public List<String> modelPath() {
        return attempts.stream().map(Attempt::model).distinct().toList();
    }
}
