package dev.quarry.cli;

import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.config.Assembly;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "models", description = "Show the model catalog.", subcommands = ModelsCommand.ListModels.class)
final class ModelsCommand {

    @Command(name = "list", description = "List known models, whether each can be served, and where.")
    static final class ListModels implements Callable<Integer> {
        @Mixin
        Options options;

        @Override
        public Integer call() {
            Catalog catalog = Assembly.catalog(options.load());
            String format = "%-20s %-8s %-9s %-11s %10s  %s%n";
            System.out.printf(format, "MODEL", "FAMILY", "KIND", "STATUS", "CONTEXT", "DEPLOYMENTS / NOTES");
            for (ModelEntry m : catalog.models()) {
                String where = m.deployments().stream().map(d -> d.provider() + ":" + d.upstreamModel()
                        + (d.region() == null ? "" : "@" + d.region())).collect(Collectors.joining(", "));
                String notes = m.testModel() ? "  (test model)" : "";
                System.out.printf(format, m.id(), m.family(), m.kind().name().toLowerCase(), m.available() ? "available" : "unavailable",
                        m.contextWindow(), (where.isEmpty() ? "configure a deployment" : where) + notes);
            }
            return 0;
        }
    }
}
