package dev.quarry.routing;

import dev.quarry.catalog.Deployment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The health of every deployment, by its key, shared by all requests of one Quarry. */
final class HealthBoard {
    private final CooldownPolicy policy;
    private final ConcurrentMap<String, DeploymentHealth> byKey = new ConcurrentHashMap<>();

    HealthBoard(CooldownPolicy policy) {
        this.policy = policy;
    }

    DeploymentHealth of(Deployment deployment) {
        return byKey.computeIfAbsent(deployment.key(), key -> new DeploymentHealth(policy));
    }
}
