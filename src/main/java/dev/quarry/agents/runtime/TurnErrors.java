package dev.quarry.agents.runtime;

import dev.quarry.agents.model.TurnError;
import dev.quarry.budget.SessionBudgets;
import dev.quarry.canonical.QuarryError;

/** Why a turn failed, in the Agents API's error codes (Quarry's own where it has none), with what to change. */
final class TurnErrors {
    private TurnErrors() {}

    /** A model call the gateway refused or an upstream failed. */
    static TurnError of(QuarryError error) {
        String code = switch (error.kind()) {
            case CONTEXT_WINDOW_EXCEEDED -> "context_length_exceeded";
            case BUDGET_EXCEEDED -> SessionBudgets.PARAM.equals(error.param()) ? "session_budget_exceeded" : "usage_limit_exceeded";
            case RATE_LIMITED -> "rate_limit_exceeded";
            case AUTHENTICATION -> "authentication_error";
            case PERMISSION_DENIED -> "permission_denied";
            case CONTENT_FILTERED -> "guardrail_intervened";
            case MODEL_NOT_FOUND, NOT_FOUND -> "resource_not_found";
            case INVALID_REQUEST, CONFLICT, UNSUPPORTED_FEATURE, MODEL_UNAVAILABLE, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE -> "invalid_request";
            case UPSTREAM_UNAVAILABLE -> "server_overloaded";
            case UPSTREAM_TIMEOUT -> "request_timeout";
            case UPSTREAM_ERROR -> "server_error";
            case INTERNAL -> "internal_error";
        };
        return new TurnError(code, error.message());
    }

    static TurnError limit(String what, int limit) {
        return new TurnError("turn_limit_exceeded", "The turn reached its limit of " + limit + " " + what
                + "; send another message to go on, or raise the limit in the agent's quarry_limits.");
    }

    static TurnError internal(String requestId) {
        return new TurnError("internal_error", "The turn failed inside Quarry (request " + requestId + "); it has been logged.");
    }
}
