package dev.quarry.cli;

import dev.quarry.config.QuarryConfig;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.server.KeyJson;
import dev.quarry.store.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "keys", description = "Manage API keys.", subcommands = KeysCommand.Create.class)
final class KeysCommand {

    @Command(name = "create", description = "Create an API key for a principal (created if new) and print it as JSON, once.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The principal the key belongs to.")
        String name;

        @Override
        public Integer call() {
            QuarryConfig config = options.load();
            try (Database db = config.storeUrl() == null ? Database.sqliteIn(config.dataDir()) : Database.open(config.storeUrl())) {
                var key = new IdentityStore(db).createKey(name, PrincipalKind.USER);
                System.out.println(KeyJson.of(key).toPrettyString());
            }
            return 0;
        }
    }
}
