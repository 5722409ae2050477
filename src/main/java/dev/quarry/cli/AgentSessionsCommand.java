package dev.quarry.cli;

import static dev.quarry.cli.AdminApi.encoded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quarry agents sessions}: the caller's own sessions (the key's principal; another's are
 * not found, as the API answers), read and steered through the same Agents API as any client.
 */
@Command(name = "sessions", description = "List, show, follow and cancel your agent sessions; approve or deny what they wait to do.",
        subcommands = {AgentSessionsCommand.ListSessions.class, AgentSessionsCommand.Show.class, SessionFollow.class,
                AgentSessionsCommand.Cancel.class, ApprovalDecision.Approve.class, ApprovalDecision.Deny.class})
final class AgentSessionsCommand {
    static final String SESSIONS = "/v1/agents/sessions";
    /** The API's largest page. */
    private static final int PAGE = 100;
    /** Without --limit, the most sessions read: a listing is for a person, not an export. */
    static final int MAX_LISTED = 1000;
    /** The items 'show' prints: the latest of a session that may hold thousands. */
    private static final int SHOWN_ITEMS = 20;
    private static final int SHOWN_TURNS = 20;
    /** The longest metadata cell: the full object is in the JSON output. */
    private static final int METADATA_CELL = 40;
    private static final Set<String> OPEN_TURN = Set.of("queued", "in_progress", "waiting");

    private AgentSessionsCommand() {}

    static String sessionPath(String id) {
        return SESSIONS + "/" + encoded(id);
    }

    /** The session's latest turn, or {@code null} for a session without turns. */
    static JsonNode latestTurn(AdminApi api, String sessionId) {
        JsonNode data = api.get(AdminApi.withQuery(sessionPath(sessionId) + "/turns", "order", "desc", "limit", "1")).path("data");
        return data.isEmpty() ? null : data.get(0);
    }

    static boolean open(JsonNode turn) {
        return turn != null && OPEN_TURN.contains(turn.path("status").asText());
    }

    @Command(name = "list", description = "List your sessions, newest first.")
    static final class ListSessions implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Option(names = "--limit", paramLabel = "N", description = "At most N sessions (default: all, up to " + MAX_LISTED + ").")
        Integer limit;

        @Option(names = "--after", paramLabel = "ID", description = "Start after this session (the last id of a previous listing).")
        String after;

        @Override
        public Integer call() {
            if (limit != null && limit < 1) throw new CliFailure("--limit must be at least 1");
            int wanted = limit == null ? MAX_LISTED : limit;
            AdminApi api = connection.api();
            ArrayNode sessions = AdminApi.JSON.createArrayNode();
            String cursor = after;
            boolean more = true;
            while (more && sessions.size() < wanted) {
                int page = Math.min(PAGE, wanted - sessions.size());
                JsonNode reply = api.get(AdminApi.withQuery(SESSIONS, "limit", Integer.toString(page), "after", cursor));
                reply.path("data").forEach(sessions::add);
                more = reply.path("has_more").asBoolean() && reply.path("last_id").isTextual();
                cursor = reply.path("last_id").asText(null);
            }
            if (more && limit == null) {
                System.err.println("quarry: only the first " + MAX_LISTED + " sessions are listed; go on with --after " + cursor);
            }
            ObjectNode document = AdminApi.JSON.createObjectNode().put("object", "list");
            document.set("data", sessions);
            document.put("has_more", more).put("last_id", sessions.isEmpty() ? null : sessions.get(sessions.size() - 1).path("id").asText());
            output.print(document, () -> {
                Table table = new Table("ID", "STATUS", "MODEL", "CREATED", "LAST ACTIVE", "METADATA");
                for (JsonNode s : sessions) {
                    String metadata = Table.tags(s.path("metadata"));
                    table.row(s.path("id").asText(), s.path("status").asText(), s.path("agent").path("model").asText(),
                            SessionText.time(s.path("created_at")), SessionText.time(s.path("last_active_at")),
                            metadata.length() <= METADATA_CELL ? metadata : metadata.substring(0, METADATA_CELL) + "…");
                }
                return table;
            });
            return 0;
        }
    }

    @Command(name = "show", description = "Show a session: its status, required actions and usage, its turns and its latest items.")
    static final class Show implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Parameters(paramLabel = "SESSION_ID", description = "The session's id (sess_…).")
        String id;

        @Override
        public Integer call() {
            AdminApi api = connection.api();
            JsonNode session = api.get(sessionPath(id));
            JsonNode turns = api.get(AdminApi.withQuery(sessionPath(id) + "/turns", "order", "desc", "limit", Integer.toString(SHOWN_TURNS)));
            JsonNode items = api.get(AdminApi.withQuery(sessionPath(id) + "/items", "order", "desc", "limit", Integer.toString(SHOWN_ITEMS)));
            ObjectNode document = AdminApi.JSON.createObjectNode();
            document.set("session", session);
            document.set("turns", turns);
            document.set("items", items);
            if (output.format == Output.Format.JSON) {
                System.out.println(Terminal.json(document));
                return 0;
            }
            List<String> lines = new ArrayList<>();
            lines.add(Terminal.line("session " + session.path("id").asText() + "  status=" + session.path("status").asText()
                    + "  model=" + session.path("agent").path("model").asText()));
            lines.add("created " + SessionText.time(session.path("created_at")) + "  last active " + SessionText.time(session.path("last_active_at")));
            String metadata = Table.tags(session.path("metadata"));
            if (!metadata.isEmpty()) lines.add(Terminal.line("metadata " + SessionText.quoted(metadata)));
            if (!session.path("error").isNull() && !session.path("error").isMissingNode()) lines.add(SessionText.error(session.path("error")).strip());
            for (JsonNode action : session.path("required_actions")) lines.add(Terminal.line("requires_action: " + SessionText.action(action)));
            lines.add(SessionText.usage(session.path("usage")) + " total=" + session.path("usage").path("total_tokens").asLong());
            lines.add("");
            lines.add("turns" + (turns.path("has_more").asBoolean() ? " (the latest " + SHOWN_TURNS + ")" : "") + ":");
            oldestFirst(turns.path("data")).forEach(t -> lines.add("  " + SessionText.time(t.path("created_at")) + "  " + SessionText.turn(t)));
            lines.add("");
            lines.add("items" + (items.path("has_more").asBoolean() ? " (the latest " + SHOWN_ITEMS + ")" : "") + ":");
            oldestFirst(items.path("data")).forEach(i -> lines.add("  " + i.path("turn_id").asText() + "  " + SessionText.item(i)));
            lines.forEach(System.out::println);
            return 0;
        }

        private static List<JsonNode> oldestFirst(JsonNode newestFirst) {
            List<JsonNode> list = new ArrayList<>();
            newestFirst.forEach(list::add);
            return list.reversed();
        }
    }

    @Command(name = "cancel", description = "Cancel the session's open turn, if it has one, and say how it ended.")
    static final class Cancel implements Callable<Integer> {
        /** How long a running turn is given to stop: it stops within a second when its runner is alive. */
        private static final Duration SETTLE = Duration.ofSeconds(10);

        @Mixin
        Connection connection;

        @Parameters(paramLabel = "SESSION_ID", description = "The session's id (sess_…).")
        String id;

        @Override
        public Integer call() throws InterruptedException {
            AdminApi api = connection.api();
            api.get(sessionPath(id)); // an unknown session is refused here, in the API's words
            JsonNode turn = latestTurn(api, id);
            ObjectNode cancel = AdminApi.JSON.createObjectNode();
            cancel.putArray("events").addObject().put("type", "agent.session.input.cancel");
            api.post(sessionPath(id) + "/events", cancel);
            if (!open(turn)) {
                System.out.println(Terminal.line("no turn was open in " + id + "; nothing to cancel"));
                return 0;
            }
            String turnPath = sessionPath(id) + "/turns/" + encoded(turn.path("id").asText());
            long deadline = System.nanoTime() + SETTLE.toNanos();
            JsonNode now = api.get(turnPath);
            while (open(now) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                now = api.get(turnPath);
            }
            String status = now.path("status").asText();
            if (open(now)) {
                System.out.println(Terminal.line("cancel sent; turn " + turn.path("id").asText() + " is still " + status + " after "
                        + SETTLE.toSeconds() + " s"));
                return 1;
            }
            System.out.println(Terminal.line(status.equals("cancelled") ? "cancelled turn " + turn.path("id").asText()
                    : "turn " + turn.path("id").asText() + " ended " + status + " before the cancel reached it"));
            return 0;
        }
    }
}
