package dev.quarry.cli;

import dev.quarry.config.QuarryConfig;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.MasterKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.server.KeyJson;
import dev.quarry.store.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "keys", description = "Manage API keys.", subcommands = KeysCommand.Create.class)
final class KeysCommand {

    @Command(name = "create", description = "Create a key for a principal (created if new): an API key and an AWS-style access key pair, printed as JSON, once.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The principal the key belongs to.")
        String name;

        @Override
        public Integer call() {
            QuarryConfig config = options.load();
            try (Database db = config.openStore()) {
                // The server's master key, so the pair's secret is sealed as the server will open it.
                var masterKey = MasterKey.resolve(config.dataDir(), System.getenv(MasterKey.ENV));
                var key = new IdentityStore(db, masterKey).createKey(name, PrincipalKind.USER);
                System.out.println(KeyJson.of(key).toPrettyString());
            }
            return 0;
        }
    }
}
