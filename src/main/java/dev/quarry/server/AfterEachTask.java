package dev.quarry.server;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs tasks on another executor, each with {@code scope}'s values bound, and {@code after} once each has ended, however it ended. */
final class AfterEachTask extends AbstractExecutorService {
    private final ExecutorService executor;
    private final ScopedValue.Carrier scope;
    private final Runnable after;

    AfterEachTask(ExecutorService executor, ScopedValue.Carrier scope, Runnable after) {
        this.executor = executor;
        this.scope = scope;
        this.after = after;
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(() -> {
            try {
                scope.run(task);
            } finally {
                after.run();
            }
        });
    }

    @Override
    public void shutdown() {
        executor.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return executor.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return executor.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return executor.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return executor.awaitTermination(timeout, unit);
    }
}
