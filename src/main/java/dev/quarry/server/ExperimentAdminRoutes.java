package dev.quarry.server;

import static dev.quarry.server.CostAdminRoutes.invalidAsBadRequest;
import static dev.quarry.server.CostAdminRoutes.query;

import dev.quarry.metering.ExperimentReport;
import dev.quarry.metering.ReportFormat;
import dev.quarry.store.StoredTimes;
import dev.quarry.surface.WireReply;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** The admin API's experiment report, served through {@link PlatformCalls}, so authorized and audited. */
final class ExperimentAdminRoutes implements HttpService {
    private final PlatformCalls calls;
    private final ExperimentReport report;

    ExperimentAdminRoutes(PlatformCalls calls, ExperimentReport report) {
        this.calls = calls;
        this.report = report;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/experiments/report", this::report);
    }

    /**
     * {@code ?experiment=ID&from=DAY|INSTANT&to=DAY|INSTANT&format=json|csv|table} (every experiment and
     * JSON when left out). The resource is {@code experiment/ID}, so a policy can open one experiment's
     * figures and not the others'; a report of every experiment is {@code experiment/*}.
     */
    private void report(ServerRequest req, ServerResponse res) {
        String experiment = req.query().first("experiment").filter(id -> !id.isBlank()).orElse(null);
        calls.serve(req, res, "quarry:ReadExperiments", "experiment/" + (experiment == null ? "*" : experiment), call -> {
            Instant from = invalidAsBadRequest("from", () -> StoredTimes.dayOrInstant(query(req, "from")));
            Instant to = invalidAsBadRequest("to", () -> StoredTimes.dayOrInstant(query(req, "to")));
            ReportFormat format = invalidAsBadRequest("format", () -> ReportFormat.of(req.query().first("format").orElse("json")));
            String body = ExperimentReport.render(format, report.rows(experiment, from, to));
            return new WireReply(200, format.mediaType(), body.getBytes(StandardCharsets.UTF_8), Map.of());
        });
    }
}
