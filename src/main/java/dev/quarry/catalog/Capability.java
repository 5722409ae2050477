package dev.quarry.catalog;

/** What a model accepts besides plain text in and out. */
public enum Capability { TOOLS, VISION, REASONING, PROMPT_CACHE, DOCUMENTS }
