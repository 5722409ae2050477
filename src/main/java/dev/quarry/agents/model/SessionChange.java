package dev.quarry.agents.model;

import java.util.Map;

/**
 * A session update, decoded: each field {@code null} when the request leaves it as it is.
 *
 * @param spendLimitMicros a new spending cap ({@code spend_control.limit}), in micro-dollars
 */
public record SessionChange(String model, Map<String, String> metadata, Long spendLimitMicros) {}
