package dev.quarry.testing;

import dev.quarry.identity.Acting;
import dev.quarry.identity.Principal;
import java.util.List;
import java.util.Map;

/** A caller of a service whose every further authorization passes: for tests of the service's own rules. */
public record AllowedCaller(Principal caller) implements Acting {
    @Override
    public Map<String, List<String>> conditions() {
        return Map.of();
    }

    @Override
    public void alsoOn(String resource) {}

    @Override
    public void alsoMay(String action, String resource) {}
}
