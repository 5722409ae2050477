package dev.quarry.canonical;

/** Function tools take a JSON object; custom tools take free-form text (OpenAI Responses "custom"). */
public enum ToolKind { FUNCTION, CUSTOM }
