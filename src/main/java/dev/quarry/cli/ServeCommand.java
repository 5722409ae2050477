package dev.quarry.cli;

import dev.quarry.config.QuarryConfig;
import dev.quarry.server.LogFormat;
import dev.quarry.server.Quarry;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(name = "serve", description = "Run the Quarry server until stopped (Ctrl-C or SIGTERM shuts down gracefully).")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    Options options;

    @Spec
    CommandSpec spec;

    private Integer port;

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (overrides the configuration; 0 picks a free one).")
    void port(int port) {
        if (port < 0 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535, not " + port);
        }
        this.port = port;
    }

    @Override
    public Integer call() throws InterruptedException {
        LogFormat.install(Level.INFO);
        QuarryConfig config = options.load();
        if (port != null) config = config.withPort(port);
        Quarry quarry = Quarry.start(config, System::getenv);
        var admin = quarry.admin();
        System.out.println("Quarry is serving on " + quarry.url());
        System.out.println(admin.file() == null
                ? "Admin key: taken from " + admin.ENV
                : "Admin key: " + (admin.generated() ? "generated and written to " : "read from ") + admin.file().toAbsolutePath());
        System.out.flush();
        // For the other ways a JVM ends (SIGHUP, System.exit): the shutdown runs once, whichever starts it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(quarry), "quarry-shutdown"));
        awaitStopSignal();
        stop(quarry);
        return 0;
    }

    /** Drains the requests in flight, then writes their access lines, which a thread of the log's own writes. */
    private static void stop(Quarry quarry) {
        quarry.closeWhenQuiet();
        LogFormat.flush();
    }

    /**
     * Waits for SIGTERM or Ctrl-C. They are handled here rather than by the JVM's shutdown hooks,
     * so that the drain runs before the JVM begins to exit (no hook of a library tears down
     * what it still uses) and a graceful stop exits 0, which service managers count as success.
     * A signal the process was started ignoring (Ctrl-C for a background job) stays ignored.
     */
    private static void awaitStopSignal() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), signal -> stop.countDown());
            } catch (IllegalArgumentException reservedByTheJvm) {
                // Run with -Xrs: the JVM leaves the signal to the OS, which ends the process.
            }
        }
        stop.await();
    }
}
