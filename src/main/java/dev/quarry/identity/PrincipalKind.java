package dev.quarry.identity;

public enum PrincipalKind { ADMIN, USER, SERVICE, AGENT }
