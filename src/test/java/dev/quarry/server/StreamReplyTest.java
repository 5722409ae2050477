package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.surface.openai.OpenAiErrors;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A stream whose settlement fails when it is closed, after its answer went out: the answer stands, and is not answered twice. */
class StreamReplyTest {
    @Test
    void aFailureToSettleAfterTheAnswerWasSentIsNotThrownIntoASentResponse() throws Exception {
        AtomicReference<Object> ended = new AtomicReference<>();
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing.get("/stream", (req, res) -> {
                    try {
                        ended.set(StreamReply.send(res, settlingFails(), OpenAiErrors::reply, sse -> sse.data("hello"), "req_s"));
                    } catch (RuntimeException e) {
                        ended.set(e);
                        throw e;
                    }
                }))
                .build().start();
        try {
            HttpResponse<String> reply = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/stream")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(reply.statusCode()).isEqualTo(200);
            assertThat(reply.body()).isEqualTo("data: hello\n\n");
            assertThat(ended.get()).as("what StreamReply returned or threw").isEqualTo(200);
        } finally {
            server.stop();
        }
    }

    /** One event, then a close that fails as a ledger that cannot record does. */
    private static EventStream settlingFails() {
        EventStream events = EventStream.of(List.of(new StreamEvent.MessageStart("m1", "echo")));
        return new EventStream() {
            @Override
            public boolean hasNext() {
                return events.hasNext();
            }

            @Override
            public StreamEvent next() {
                return events.next();
            }

            @Override
            public void close() {
                throw QuarryException.of(ErrorKind.INTERNAL, "The call failed inside Quarry (request req_s).");
            }
        };
    }
}
