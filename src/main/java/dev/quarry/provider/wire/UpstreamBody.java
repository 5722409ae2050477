package dev.quarry.provider.wire;

import dev.quarry.canonical.QuarryException;
import java.io.InputStream;
import java.util.function.Function;

/**
 * An upstream's streaming answer as a decoder needs it.
 *
 * @param provider         the provider's name, for error messages
 * @param connection       closed when the stream is closed, which cancels the call if it is still running
 * @param transportFailure maps a failure of the socket to a canonical error
 */
public record UpstreamBody(String provider, InputStream body, AutoCloseable connection,
                           Function<Throwable, QuarryException> transportFailure) {}
