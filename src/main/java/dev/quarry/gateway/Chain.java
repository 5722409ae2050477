package dev.quarry.gateway;

/** The rest of the pipeline, from the point of view of one step. */
public interface Chain {
    Outcome proceed(Exchange exchange);
}
