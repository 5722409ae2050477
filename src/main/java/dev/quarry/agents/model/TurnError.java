package dev.quarry.agents.model;

/** Why a turn failed: one of the Agents API's codes (or a Quarry extension) and what to change. */
public record TurnError(String code, String message) {}
