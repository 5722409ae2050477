package dev.quarry.ratelimit;

import java.util.Locale;

/** What a rate limit counts requests against. */
public enum Scope {
    PRINCIPAL,
    GROUP,
    MODEL,
    /** A deployment, named {@code provider/upstreamModel}. */
    DEPLOYMENT;

    /** The name used in the configuration file and in refusals. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
