package dev.quarry.cli;

import dev.quarry.config.QuarryConfig;
import dev.quarry.server.LogFormat;
import dev.quarry.server.Quarry;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Run the Quarry server until stopped (Ctrl-C or SIGTERM shuts down gracefully).")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    Options options;

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (overrides the configuration; 0 picks a free one).")
    Integer port;

    @Override
    public Integer call() throws InterruptedException {
        LogFormat.install(Level.INFO);
        QuarryConfig config = options.load();
        if (port != null) config = config.withPort(port);
        Quarry quarry = Quarry.start(config, System::getenv);
        var admin = quarry.admin();
        System.out.println("Quarry is serving on http://" + config.server().host() + ":" + quarry.port());
        System.out.println(admin.file() == null
                ? "Admin key: taken from " + admin.ENV
                : "Admin key: " + (admin.generated() ? "generated and written to " : "read from ") + admin.file().toAbsolutePath());
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            quarry.close();
            stopped.countDown();
        }, "quarry-shutdown"));
        stopped.await();
        return 0;
    }
}
