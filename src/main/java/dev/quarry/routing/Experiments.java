package dev.quarry.routing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Puts requests into experiment variants. A sticky assignment hashes the experiment's id with the
 * caller's key, so the same principal or session lands on the same variant on every node and
 * after every restart, with no state kept; a non-sticky one draws at random.
 */
public final class Experiments {
    public static final String SESSION_HEADER = "X-Quarry-Session";
    public static final Experiments NONE = new Experiments(List.of());

    private final Map<String, Experiment> byModel = new HashMap<>();

    public Experiments(List<Experiment> experiments) {
        for (Experiment e : experiments) {
            if (byModel.putIfAbsent(e.model(), e) != null) {
                throw new IllegalArgumentException("two experiments split model '" + e.model() + "'");
            }
        }
    }

    /**
     * @param session the caller's session key, {@code null} when it sent none
     * @return the assignment when {@code requestedModel} is under an experiment
     */
    public Optional<Assignment> assign(String requestedModel, String principalId, String session) {
        Experiment experiment = byModel.get(requestedModel);
        if (experiment == null) return Optional.empty();
        int total = experiment.totalWeight();
        int point = switch (experiment.sticky()) {
            case NONE -> ThreadLocalRandom.current().nextInt(total);
            case PRINCIPAL -> bucket(experiment.id(), principalId, total);
            case SESSION -> bucket(experiment.id(), session != null && !session.isBlank() ? "session:" + session : principalId, total);
        };
        Experiment.Variant variant = experiment.at(point);
        return Optional.of(new Assignment(experiment.id(), variant.name(), variant.model()));
    }

    /** A stable, well-spread point in {@code [0, total)}: String.hashCode is fixed by the language, the mix spreads it. */
    static int bucket(String experimentId, String key, int total) {
        long h = (experimentId + '\u0000' + key).hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6bL;
        h ^= h >>> 13;
        h *= 0xc2b2ae35L;
        h ^= h >>> 16;
        return (int) Math.floorMod(h, (long) total);
    }

    public boolean isEmpty() {
        return byModel.isEmpty();
    }
}
