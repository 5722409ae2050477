package dev.quarry.cli;

import dev.quarry.audit.AuditAnchor;
import dev.quarry.audit.AuditEvent;
import dev.quarry.audit.AuditQueries;
import dev.quarry.audit.AuditVerifier;
import dev.quarry.audit.SigningKey;
import dev.quarry.config.QuarryConfig;
import dev.quarry.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", description = "Check and search the audit trail.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Query.class})
final class AuditCommand {

    @Command(name = "verify", description = "Check every event hash, link and signed digest, and that the store holds every digest "
            + "the anchor recorded; exit 1 if anything was changed, removed or reordered.")
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
                if (!singleWriter) report.notices().forEach(n -> System.out.println("NOTICE: " + n));
                if (report.intact() && (!singleWriter || report.notices().isEmpty())) {
                    System.out.println("The audit trail is intact.");
                    return 0;
                }
                report.problems().forEach(p -> System.out.println("TAMPERED: " + p));
                if (singleWriter) report.notices().forEach(n -> System.out.println("TAMPERED: " + n));
                return 1;
            }
        }
    }

    @Command(name = "query", description = "List audit events, newest first.")
    static final class Query implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--principal", description = "Principal name or id.")
        String principal;

        @Option(names = "--action", description = "e.g. quarry:InvokeModel")
        String action;

        @Option(names = "--from", description = "ISO-8601 instant, inclusive.")
        Instant from;

        @Option(names = "--to", description = "ISO-8601 instant, exclusive.")
        Instant to;

        @Option(names = "--limit", defaultValue = "100")
        int limit;

        @Override
        public Integer call() {
            try (Database db = options.load().openStore()) {
                List<AuditEvent> events = new AuditQueries(db).find(principal, action, from, to, limit);
                String format = "%-24s %-12s %-36s %-28s %-6s %-30s %s%n";
                System.out.printf(format, "TIME", "PRINCIPAL", "ACTION", "RESOURCE", "RESULT", "DECIDED BY", "REQUEST");
                for (AuditEvent e : events) {
                    System.out.printf(format, e.time(), e.principalName(), e.action(), e.resource(), e.decision(),
                            e.decidingPolicy() == null ? (e.errorCode() == null ? "-" : e.errorCode()) : e.decidingPolicy(), e.requestId());
                }
                return 0;
            }
        }
    }
}
