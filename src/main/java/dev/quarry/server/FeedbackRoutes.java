package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.QuarryException;
import dev.quarry.metering.AnswerFeedback;
import dev.quarry.policy.Actions;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1/feedback}: a caller rates an answer it got, by the answer's request id (its
 * {@code X-Request-Id}), for the experiment reports. Authenticated with the caller's key as a model
 * call is (Bearer or {@code x-api-key}) and authorized as {@code quarry:PutFeedback} on
 * {@code experiment/*} (the built-in {@code ModelAccess} policy allows it); no model runs, so no
 * ledger row. Errors in OpenAI's shape.
 */
final class FeedbackRoutes implements HttpService {
    private final PlatformCalls calls;
    private final AnswerFeedback feedback;

    FeedbackRoutes(PlatformCalls calls, AnswerFeedback feedback) {
        this.calls = calls;
        this.feedback = feedback;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/feedback", this::feedback);
    }

    /** Body: {@code {"request_id", "score": 0..1, "comment"}}; replies with the rating and the request's experiment variant. */
    private void feedback(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, Actions.PUT_FEEDBACK, "experiment/*", call -> {
            ObjectNode json = call.body().get();
            Double score = Json.optNumber(json, "score", "score");
            if (score == null) throw QuarryException.invalid("score", "Missing required parameter: 'score'.");
            AnswerFeedback.Recorded recorded = feedback.record(Json.requireText(json, "request_id", "request_id"), call.caller().id(),
                    score, Json.optText(json, "comment", "comment"));
            return WireReply.json(200, Json.bytes(Json.object().put("request_id", recorded.requestId()).put("score", recorded.score())
                    .put("experiment", recorded.experiment()).put("variant", recorded.variant()).put("model", recorded.model())));
        });
    }
}
