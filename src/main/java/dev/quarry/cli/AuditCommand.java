package dev.quarry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.audit.AuditAnchor;
import dev.quarry.audit.AuditVerifier;
import dev.quarry.audit.SigningKey;
import dev.quarry.config.QuarryConfig;
import dev.quarry.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", description = "Check and search the audit trail.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Query.class})
final class AuditCommand {

    @Command(name = "verify", description = {"Check every event hash, link and signed digest, and that the store holds every digest "
            + "the anchor recorded; exit 1 if anything was changed, removed or reordered.",
            "Needs no server: it reads the store (--config, --data) directly, as an auditor with a copy of it would."})
    static final class Verify implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--max-uncovered-seconds", defaultValue = "600",
                description = "Events older than this must be covered by a signed digest (default: ${DEFAULT-VALUE}).")
        long maxUncoveredSeconds;

        @Option(names = "--anchor", paramLabel = "FILE",
                description = "The audit anchor to check the store against: the data folder's " + AuditAnchor.FILE + " by default, "
                        + "or a copy kept elsewhere (any file or log holding its lines).")
        Path anchor;

        @Option(names = "--single-writer",
                description = "Only one node writes this store: events a writer adopted without having written them "
                        + "(listed as notices otherwise) were inserted behind its back, and fail the check.")
        boolean singleWriter;

        @Override
        public Integer call() {
            QuarryConfig config = options.load();
            try (Database db = config.openStore()) {
                AuditVerifier.Report report = AuditVerifier.verify(db, SigningKey.publicKeyIn(config.dataDir()),
                        anchor == null ? AuditAnchor.inDataDir(config.dataDir()) : AuditAnchor.at(anchor), Instant.now(),
                        Duration.ofSeconds(maxUncoveredSeconds));
                System.out.printf("%d events, %d signed digests, %d events awaiting a digest%n", report.events(), report.digests(),
                        report.uncovered());
                // Findings quote stored values (event ids, resources) that whoever tampered with the store wrote:
                // printed raw, an escape sequence among them could erase the very line reporting the tampering.
                if (!singleWriter) report.notices().forEach(n -> System.out.println("NOTICE: " + Terminal.line(n)));
                if (report.intact() && (!singleWriter || report.notices().isEmpty())) {
                    System.out.println("The audit trail is intact.");
                    return 0;
                }
                report.problems().forEach(p -> System.out.println("TAMPERED: " + Terminal.line(p)));
                if (singleWriter) report.notices().forEach(n -> System.out.println("TAMPERED: " + Terminal.line(n)));
                return 1;
            }
        }
    }

    @Command(name = "query", description = "List audit events, newest first.")
    static final class Query implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Option(names = "--principal", paramLabel = "NAME|ID", description = "Principal name or id.")
        String principal;

        @Option(names = "--action", paramLabel = "ACTION", description = "e.g. quarry:InvokeModel")
        String action;

        @Option(names = "--session", paramLabel = "ID", description = "Only the events of this managed-agent session (its model calls).")
        String session;

        @Option(names = "--from", paramLabel = "DAY|INSTANT", description = "Day (2026-11-01, UTC midnight) or instant (2026-11-01T00:00:00Z), inclusive.")
        String from;

        @Option(names = "--to", paramLabel = "DAY|INSTANT", description = "Day or instant, exclusive.")
        String to;

        @Option(names = "--limit", paramLabel = "N", description = "At most this many events (the server's default and cap apply).")
        Integer limit;

        @Override
        public Integer call() {
            JsonNode reply = connection.api().get(AdminApi.withQuery("/admin/audit", "principal", principal, "action", action,
                    "session", session, "from", from, "to", to, "limit", limit == null ? null : limit.toString()));
            output.print(reply, () -> {
                // Session and turn columns only when some event has them: most of the trail is outside calls.
                boolean inSessions = reply.path("events").valueStream().anyMatch(e -> e.path("session_id").isTextual());
                List<String> headings = new ArrayList<>(List.of("TIME", "PRINCIPAL", "ACTION", "RESOURCE", "RESULT", "DECIDED BY", "REQUEST"));
                if (inSessions) headings.addAll(List.of("SESSION", "TURN"));
                Table table = new Table(headings.toArray(String[]::new));
                for (JsonNode e : reply.path("events")) {
                    JsonNode decidedBy = e.path("deciding_policy").isTextual() ? e.get("deciding_policy") : e.get("error_code");
                    List<String> cells = new ArrayList<>(List.of(Table.cell(e.get("time")), Table.cell(e.get("principal_name")),
                            Table.cell(e.get("action")), Table.cell(e.get("resource")), Table.cell(e.get("decision")), Table.cell(decidedBy),
                            Table.cell(e.get("request_id"))));
                    if (inSessions) cells.addAll(List.of(Table.cell(e.get("session_id")), Table.cell(e.get("turn_id"))));
                    table.row(cells.toArray(String[]::new));
                }
                return table;
            });
            return 0;
        }
    }
}
