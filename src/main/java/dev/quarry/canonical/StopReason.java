package dev.quarry.canonical;

/**
 * Why the model stopped producing output. {@code CONTENT_FILTERED}: the provider's own filter
 * stopped it; {@code GUARDRAIL_INTERVENED}: a Quarry guardrail blocked the prompt or the answer.
 */
public enum StopReason { END_TURN, TOOL_USE, MAX_TOKENS, STOP_SEQUENCE, CONTENT_FILTERED, GUARDRAIL_INTERVENED }
