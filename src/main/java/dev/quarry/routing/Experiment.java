package dev.quarry.routing;

import java.util.List;
import java.util.Objects;

/**
 * An A/B test on live traffic: requests for {@code model} (the id clients send; it need not be a
 * catalog model) are split between variants, each served by a model of the catalog, by weight.
 *
 * @param sticky what keeps a caller on one variant across requests
 */
public record Experiment(String id, String model, Sticky sticky, List<Variant> variants) {

    /** What a request's variant is drawn from. */
    public enum Sticky {
        /** Every request is drawn afresh. */
        NONE,
        /** One variant per principal. */
        PRINCIPAL,
        /** One variant per session, named by the {@code X-Quarry-Session} header; per principal without it. */
        SESSION
    }

    /** @param weight its share of the traffic, at least 1 */
    public record Variant(String name, String model, int weight) {
        public Variant {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(model, "model");
            if (weight < 1) throw new IllegalArgumentException("a variant's weight must be at least 1");
        }
    }

    public Experiment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(sticky, "sticky");
        variants = List.copyOf(variants);
        if (variants.size() < 2) throw new IllegalArgumentException("an experiment needs at least two variants");
    }

    int totalWeight() {
        return variants.stream().mapToInt(Variant::weight).sum();
    }

    /** The variant whose share of {@code [0, totalWeight)} holds {@code point}. */
    Variant at(int point) {
        int upTo = 0;
        for (Variant v : variants) {
            upTo += v.weight();
            if (point < upTo) return v;
        }
        throw new IllegalArgumentException("point " + point + " is outside the experiment's weights");
    }
}
