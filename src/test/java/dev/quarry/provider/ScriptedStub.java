package dev.quarry.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.canonical.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;

/**
 * What every scripted stub upstream shares: a loopback server, a queue of scripts, and the record
 * of what it was sent. A subclass only renders a script in its upstream's wire format.
 */
public abstract class ScriptedStub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StubServer<UpstreamScript> server;

    protected ScriptedStub() {
        server = StubServer.start(this::answer);
    }

    /** The usage every scripted answer reports, in canonical terms. */
    public abstract Usage usage();

    /** How many frames of a stream to send before hanging up mid-answer, for this upstream's frame layout. */
    public abstract int framesBeforeHangUp();

    /** Answers one request as the script says, in this upstream's exact wire format. */
    protected abstract void answer(StubServer.Request request, UpstreamScript script, StubServer.Response response) throws IOException;

    public URI baseUrl() {
        return server.baseUrl();
    }

    public void then(UpstreamScript script) {
        server.then(script);
    }

    public List<StubServer.Request> requests() {
        return server.requests();
    }

    public StubServer.Request lastRequest() {
        return server.lastRequest();
    }

    public JsonNode lastBody() {
        try {
            return JSON.readTree(lastRequest().body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
