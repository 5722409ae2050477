package dev.quarry.agents.model;

import java.util.Map;

/** A session update, decoded: each field {@code null} when the request leaves it as it is. */
public record SessionChange(String model, Map<String, String> metadata) {}
