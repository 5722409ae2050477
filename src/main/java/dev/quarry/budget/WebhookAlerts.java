package dev.quarry.budget;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.pricing.Money;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Alerts go to the log, and to the budget's webhook as a JSON POST. The POST is sent on a
 * virtual thread with short timeouts: it is started by the request that crossed the threshold,
 * which must not wait for it. Before each POST the webhook's host is resolved and checked against
 * {@link WebhookTargets}; redirects are not followed, so an answer cannot send Quarry elsewhere.
 * A refused or failed delivery is logged and not retried (the log has the alert).
 */
public final class WebhookAlerts implements AlertSink {
    private static final Logger LOG = Logger.getLogger(WebhookAlerts.class.getName());
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    private final WebhookTargets targets;

    public WebhookAlerts(WebhookTargets targets) {
        this.targets = targets;
    }

    @Override
    public void send(ThresholdAlert alert) {
        LOG.warning(alert::describe);
        URI webhook = alert.budget().webhook();
        if (webhook != null) Thread.startVirtualThread(() -> deliver(alert, webhook));
    }

    private void deliver(ThresholdAlert alert, URI webhook) {
        String shown = WebhookTargets.redacted(webhook);
        try {
            Optional<String> refusal = targets.refusalBeforeSending(webhook);
            if (refusal.isPresent()) {
                LOG.warning(() -> "budget alert of " + alert.budget().label() + " not sent: " + refusal.get());
                return;
            }
            HttpRequest post = HttpRequest.newBuilder(webhook)
                    .timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json(alert)))
                    .build();
            int status = http.send(post, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 != 2) LOG.warning(() -> "the budget alert webhook " + shown + " answered " + status);
        } catch (IOException | RuntimeException e) {
            // RuntimeException: a URL the HTTP client will not take is this alert's failure alone.
            LOG.log(Level.WARNING, "could not deliver a budget alert to " + shown, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The alert as the webhook receives it. */
    static String json(ThresholdAlert alert) {
        Budget b = alert.budget();
        ObjectNode body = JSON.createObjectNode()
                .put("type", "budget.threshold_crossed")
                .put("budget_id", b.id())
                .put("budget_name", b.name())
                .put("scope", b.scope().wire())
                .put("period", b.period().wire())
                .put("threshold_percent", alert.thresholdPercent())
                .put("limit_usd", Money.fromMicros(b.limitMicros()))
                .put("spent_usd", Money.fromMicros(alert.spentMicros()))
                .put("period_start", alert.window().start().toString())
                .put("period_end", alert.window().end().toString())
                .put("message", alert.describe());
        return body.toString();
    }
}
