package dev.quarry.canonical;

/** Why the model stopped producing output. */
public enum StopReason { END_TURN, TOOL_USE, MAX_TOKENS, STOP_SEQUENCE, CONTENT_FILTERED }
