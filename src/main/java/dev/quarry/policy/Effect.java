package dev.quarry.policy;

public enum Effect { ALLOW, DENY }
