package dev.quarry.cli;

import dev.quarry.config.ConfigLoader;
import dev.quarry.config.QuarryConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that reads the configuration shares. */
final class Options {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (default: embedded defaults).")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:QUARRY_DATA:-data}",
            description = "Data folder: SQLite store and admin key (default: ${DEFAULT-VALUE}).")
    Path data;

    QuarryConfig load() {
        return config == null ? QuarryConfig.defaults(data) : ConfigLoader.load(config, data);
    }
}
