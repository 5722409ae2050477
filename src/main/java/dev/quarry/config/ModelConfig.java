package dev.quarry.config;

import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelKind;
import dev.quarry.catalog.Price;
import java.util.List;

/**
 * A {@code models:} entry: adds aliases, deployments and a price to a built-in model, or defines
 * a new one (then {@code kind} and {@code contextWindow} describe it).
 */
public record ModelConfig(String id, List<String> aliases, ModelKind kind, Integer contextWindow,
                          List<Deployment> deployments, Price price) {}
