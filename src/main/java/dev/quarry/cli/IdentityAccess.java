package dev.quarry.cli;

import dev.quarry.config.QuarryConfig;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.MasterKey;
import dev.quarry.identity.Principal;
import dev.quarry.store.Database;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The identity store opened as the server opens it, for operator commands that change identities
 * directly. A running server notices their changes within a poll of the identity version.
 */
final class IdentityAccess {
    private IdentityAccess() {}

    static <T> T with(Options options, Function<IdentityStore, T> work) {
        QuarryConfig config = options.load();
        try (Database db = config.openStore()) {
            // The server's master key, so a pair's secret is sealed as the server will open it.
            var masterKey = MasterKey.resolve(config.dataDir(), System.getenv(MasterKey.ENV));
            return work.apply(new IdentityStore(db, masterKey));
        }
    }

    /** One line per principal: name, kind, tags. */
    static String line(Principal p) {
        String tags = p.tags().entrySet().stream().map(t -> t.getKey() + "=" + t.getValue()).collect(Collectors.joining(","));
        return "%-24s %-8s %s".formatted(p.name(), p.kind().wire(), tags).stripTrailing();
    }
}
