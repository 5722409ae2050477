package dev.quarry.catalog;

public enum ModelKind { CHAT, EMBEDDING }
