package dev.quarry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.agents.model.Ids;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalTime;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quarry agents sessions follow}: a session's live events, one readable line each, until
 * Ctrl-C (exit 0) or, with {@code --until-idle}, until the session settles. A dropped connection is
 * resumed with {@code Last-Event-ID}, so no committed event is missed or printed twice (text deltas
 * are live only: those sent while disconnected are not replayed, their item.done carries the text).
 */
@Command(name = "follow", description = {"Print a session's events as they happen, one line each, until Ctrl-C.",
        "Reconnects after the last event received when the connection drops."})
final class SessionFollow implements Callable<Integer> {
    /** Reconnections in a row without an event in between before giving up; the waits double from the first. */
    static final int RECONNECTS = 5;
    private static final Duration FIRST_WAIT = Duration.ofMillis(500);
    private static final Set<String> SETTLED = Set.of("agent.session.idle", "agent.session.requires_action");
    private static final Set<String> TURN_ENDS = Set.of("agent.session.turn.completed", "agent.session.turn.failed", "agent.session.turn.cancelled");

    @Mixin
    Connection connection;

    @Parameters(paramLabel = "SESSION_ID", description = "The session's id (sess_…).")
    String id;

    @Option(names = "--from-start", description = "Replay the session's committed events first: every one after the first "
            + "(agent.session.created, which is not replayed); text deltas are live only, so replayed answers show as item.done.")
    boolean fromStart;

    @Option(names = "--until-idle", description = "Exit 0 once the session is idle or waits for function results (requires_action): "
            + "at once if it already is, or, with --from-start, after replaying up to where it settled.")
    boolean untilIdle;

    @Override
    public Integer call() throws InterruptedException {
        AdminApi api = connection.api();
        JsonNode session = api.get(AgentSessionsCommand.sessionPath(id)); // an unknown session is refused here, in the API's words
        String lastEventId = null;
        if (fromStart) {
            lastEventId = "evt_" + Ids.ulid(session.path("id").asText()) + "_0";
            System.err.println("quarry: replaying from the start (after agent.session.created, which is not replayed)");
        }
        SessionEventPrinter printer = new SessionEventPrinter(System.out, LocalTime::now);
        Predicate<SseEvent> last = event -> false;
        var previous = CtrlC.exitZero();
        try {
            int failures = 0;
            boolean first = true;
            while (true) {
                try (Stream<String> lines = api.eventLines(AgentSessionsCommand.sessionPath(id) + "/events", lastEventId)) {
                    if (first && untilIdle) {
                        // Asked once the stream is open, so a settling in between is not lost: it is on the stream.
                        IdleWatch watch = IdleWatch.of(api, id, fromStart);
                        if (watch == null) {
                            System.err.println("quarry: the session is " + Terminal.line(api.get(AgentSessionsCommand.sessionPath(id)).path("status").asText()));
                            return 0;
                        }
                        last = watch;
                    }
                    first = false;
                    Iterator<String> it = lines.iterator();
                    SseEvent event;
                    while ((event = SseEvent.next(it)) != null) {
                        failures = 0;
                        if (event.id() != null) lastEventId = event.id();
                        printer.print(event.type(), event.data());
                        if (last.test(event)) {
                            printer.finish();
                            return 0;
                        }
                    }
                } catch (CliFailure | UncheckedIOException e) {
                    if (first || failures >= RECONNECTS) throw e instanceof CliFailure f ? f : new CliFailure("The event stream broke: " + e.getMessage());
                }
                printer.finish();
                failures++;
                if (failures > RECONNECTS) throw new CliFailure("The event stream of " + id + " ended " + RECONNECTS + " times in a row; giving up");
                Duration wait = FIRST_WAIT.multipliedBy(1L << (failures - 1));
                System.err.println("quarry: the event stream ended; reconnecting in " + wait.toMillis() + " ms"
                        + (lastEventId == null ? "" : " after " + Terminal.line(lastEventId)) + " (" + failures + " of " + RECONNECTS + ")");
                Thread.sleep(wait);
            }
        } finally {
            printer.finish();
            CtrlC.restore(previous);
        }
    }

    /** One Server-Sent Event: its id (or {@code null}), its type and its JSON data. */
    record SseEvent(String id, String type, JsonNode data) {
        /** The next event of {@code lines}, or {@code null} when they end; comments (keep-alives) are skipped. */
        static SseEvent next(Iterator<String> lines) {
            String id = null;
            String type = null;
            StringBuilder data = null;
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.isEmpty()) {
                    if (data != null) return new SseEvent(id, type == null ? "message" : type, json(data.toString()));
                    id = null;
                    type = null;
                    continue;
                }
                if (line.startsWith(":")) continue;
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + (line.startsWith(": ", colon) ? 2 : 1));
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> type = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> {}
                }
            }
            return null;
        }

        private static JsonNode json(String data) {
            try {
                return AdminApi.JSON.readTree(data);
            } catch (IOException e) {
                throw new CliFailure("Quarry sent an event that is not JSON: " + SessionText.quoted(Terminal.line(data)));
            }
        }
    }

    /**
     * Where {@code --until-idle} ends: at the session's next settling (idle, or requires_action).
     * Replayed from the start, the stream also holds earlier settlings: it ends only at one after
     * the point that shows where the session stood when followed.
     */
    static final class IdleWatch implements Predicate<SseEvent> {
        private final Predicate<SseEvent> arms;
        private boolean armed;

        private IdleWatch(Predicate<SseEvent> arms, boolean armed) {
            this.arms = arms;
            this.armed = armed;
        }

        /** {@code null} when there is nothing to wait for: the session is settled and no replay leads up to it. */
        static IdleWatch of(AdminApi api, String id, boolean fromStart) {
            JsonNode session = api.get(AgentSessionsCommand.sessionPath(id));
            String status = session.path("status").asText();
            boolean settled = SETTLED.contains("agent.session." + status);
            if (!fromStart) return settled ? null : new IdleWatch(event -> false, true);
            JsonNode turn = AgentSessionsCommand.latestTurn(api, id);
            if (turn == null) return settled ? null : new IdleWatch(event -> false, true);
            String turnId = turn.path("id").asText();
            if (status.equals("requires_action")) {
                // Its calls' items come just before the settling the session is in now.
                Set<String> calls = new HashSet<>();
                session.path("required_actions").forEach(a -> calls.add(a.path("call_id").asText()));
                return new IdleWatch(e -> e.type().equals("agent.session.turn.item.done") && calls.contains(e.data().path("item").path("call_id").asText()), false);
            }
            // Idle: the latest turn has ended, and the settling after its end is the last. Busy: the latest turn is the open one.
            return new IdleWatch(e -> turnId.equals(e.data().path("turn_id").asText()) && (!settled || TURN_ENDS.contains(e.type())), false);
        }

        @Override
        public boolean test(SseEvent event) {
            if (armed) return SETTLED.contains(event.type());
            armed = arms.test(event);
            return false;
        }
    }
}
