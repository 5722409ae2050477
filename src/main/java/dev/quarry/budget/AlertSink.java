package dev.quarry.budget;

/** Where threshold alerts go. Called outside the reservation lock; must not block the caller. */
@FunctionalInterface
public interface AlertSink {
    void send(ThresholdAlert alert);
}
