package dev.quarry.routing;

/** The variant of an experiment one request was put in, and the model that serves it. */
public record Assignment(String experiment, String variant, String model) {}
