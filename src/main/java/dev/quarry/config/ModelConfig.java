package dev.quarry.config;

import dev.quarry.catalog.Capability;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelKind;
import dev.quarry.catalog.Price;
import dev.quarry.routing.ModelRoutes;
import java.util.List;
import java.util.Set;

/**
 * A {@code models:} entry: adds aliases, deployments, a price and routes to a built-in model, or
 * defines a new one (then {@code kind} and {@code contextWindow} describe it).
 *
 * @param family       a new model's family (gpt, claude, llama...): it picks the tokenizer that counts its
 *                     prompts and is the {@code quarry:ModelFamily} policy key; {@code null} for {@code custom}
 * @param capabilities what the model can take (documents, images, tools...), replacing a built-in
 *                     model's set; {@code null} when not configured
 * @param routes how its deployments are chosen and where it falls back to; {@code null} for the default
 */
public record ModelConfig(String id, List<String> aliases, ModelKind kind, String family, Integer contextWindow, Set<Capability> capabilities,
                          List<Deployment> deployments, Price price, ModelRoutes routes) {}
