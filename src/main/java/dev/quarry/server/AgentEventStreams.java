package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.SessionEvent;
import dev.quarry.agents.runtime.Subscription;
import dev.quarry.surface.Json;
import dev.quarry.surface.SseWriter;
import io.helidon.http.http2.Http2Exception;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends a session's events as Server-Sent Events: {@code id: <event_id>}, {@code event: <type>},
 * {@code data: <the event's JSON>}, and a {@code : keep-alive} comment when nothing happened for
 * {@value #KEEP_ALIVE_SECONDS} s. Closing the stream never stops a turn.
 */
final class AgentEventStreams {
    private static final Logger LOG = Logger.getLogger(AgentEventStreams.class.getName());
    static final long KEEP_ALIVE_SECONDS = 15;

    private AgentEventStreams() {}

    /**
     * Streams {@code subscription} until {@code last} is sent (a stream that ends), the
     * subscription is cut off, or the client leaves; the subscription is always closed.
     */
    static int send(ServerResponse res, Subscription subscription, Function<SessionEvent, ObjectNode> render, Predicate<SessionEvent> last) {
        res.status(200);
        res.header("Content-Type", "text/event-stream; charset=utf-8");
        res.header("Cache-Control", "no-cache");
        res.header("X-Accel-Buffering", "no");
        try (subscription; OutputStream out = res.outputStream()) {
            SseWriter sse = new SseWriter(out);
            sse.comment("stream of " + subscription.sessionId());
            while (true) {
                SessionEvent event = subscription.next(Duration.ofSeconds(KEEP_ALIVE_SECONDS));
                if (event == null) {
                    if (subscription.closed()) {
                        if (subscription.overflowed()) {
                            sse.event("error", Json.write(Json.object().put("type", "error").set("error", Json.object()
                                    .put("code", "slow_consumer").put("message", "The stream fell too far behind and was closed; "
                                            + "reconnect with Last-Event-ID to go on from the last event received."))));
                        }
                        break;
                    }
                    sse.comment("keep-alive");
                    continue;
                }
                sse.event(event.eventId(), event.type(), Json.write(render.apply(event)));
                if (last.test(event)) break;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | UncheckedIOException | ServerConnectionException | Http2Exception e) {
            LOG.log(Level.FINE, () -> "event stream of " + subscription.sessionId() + " ended: the client went away");
        }
        return 200;
    }
}
