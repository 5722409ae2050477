package dev.quarry.provider;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pooled HTTP client a provider uses to reach its upstream: keep-alive connections,
 * connect and read timeouts, and transport failures turned into canonical errors. Status codes
 * other than 2xx are handed to the provider's {@link ErrorMapper}, which knows the upstream's
 * error body.
 */
public final class UpstreamHttp {
    /** Upstream error bodies are read for their message, never in full. */
    private static final int MAX_ERROR_BODY = 64 * 1024;
    /** A day: longer Retry-After values are ignored. */
    private static final double MAX_RETRY_AFTER_SECONDS = 86_400;

    /** Turns an upstream's non-2xx answer into a canonical error. */
    @FunctionalInterface
    public interface ErrorMapper {
        QuarryError map(int status, String body, Optional<Duration> retryAfter);
    }

    private final String providerName;
    private final WebClient client;
    private final ErrorMapper errors;

    public UpstreamHttp(ProviderSettings settings, ErrorMapper errors) {
        this.providerName = settings.name();
        this.errors = errors;
        this.client = WebClient.builder()
                .baseUri(settings.baseUrl())
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                // A request leaves as separate header and body writes on a kept-alive connection:
                // with Nagle's algorithm the body would wait for the upstream's delayed ACK.
                .socketOptions(socket -> socket.tcpNoDelay(true))
                .followRedirects(false)
                .proxy(proxyFor(settings.baseUrl()))
                .build();
    }

    /**
     * Helidon's default proxy, the JVM's (set with {@code -Dhttps.proxyHost=} and the like), asks
     * the JVM's ProxySelector again on every request, parsing a URI each time. It is asked once
     * here instead: no proxy when it names none for this upstream, else the JVM's as before.
     */
    private static Proxy proxyFor(URI baseUrl) {
        ProxySelector selector = ProxySelector.getDefault();
        if (selector == null) return Proxy.noProxy(); // the JVM's selector was removed: nothing names a proxy
        if (baseUrl == null) return Proxy.create();
        List<java.net.Proxy> selected = selector.select(baseUrl);
        return selected.stream().allMatch(p -> p.type() == java.net.Proxy.Type.DIRECT) ? Proxy.noProxy() : Proxy.create();
    }

    /**
     * POSTs a JSON body and returns the open 2xx response; the caller closes it.
     *
     * @throws QuarryException for transport failures and non-2xx answers
     */
    public HttpClientResponse postJson(String path, byte[] body, Map<String, String> headers) {
        return postJson(path, Map.of(), body, headers);
    }

    /**
     * POSTs a JSON body to a path with query parameters ({@code ?alt=sse}, {@code ?api-version=});
     * they are passed apart because a {@code ?} written into the path would be encoded as part of it.
     *
     * @throws QuarryException for transport failures and non-2xx answers
     */
    public HttpClientResponse postJson(String path, Map<String, String> query, byte[] body, Map<String, String> headers) {
        HttpClientRequest request = client.post(path)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.ACCEPT, "application/json, text/event-stream");
        query.forEach(request::queryParam);
        headers.forEach((name, value) -> request.header(HeaderNames.create(name), value));
        HttpClientResponse response;
        try {
            response = request.submit(body);
        } catch (RuntimeException e) {
            throw transportFailure(e);
        }
        int status = response.status().code();
        if (status / 100 == 2) return response;
        try (response) {
            Optional<Duration> retryAfter = response.headers().first(HeaderNames.RETRY_AFTER).flatMap(UpstreamHttp::seconds);
            throw new QuarryException(errors.map(status, readBounded(response.inputStream()), retryAfter));
        } catch (UncheckedIOException e) {
            throw transportFailure(e);
        }
    }

    /** Whether an answer is an event stream, which an upstream asked for a whole answer may still send. */
    public static boolean isEventStream(HttpClientResponse response) {
        return response.headers().contentType().map(type -> type.test(MediaTypes.TEXT_EVENT_STREAM)).orElse(false);
    }

    /** Maps an exception from the socket (at connect or while reading a stream) to a canonical error. */
    public QuarryException transportFailure(Throwable failure) {
        if (failure instanceof QuarryException q) return q;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return new QuarryException(QuarryError.of(ErrorKind.UPSTREAM_TIMEOUT,
                        "Provider '" + providerName + "' did not answer in time (" + cause.getMessage() + ")."), failure);
            }
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return new QuarryException(QuarryError.of(ErrorKind.UPSTREAM_UNAVAILABLE,
                        "Provider '" + providerName + "' cannot be reached: " + cause.getMessage()), failure);
            }
        }
        return new QuarryException(QuarryError.of(ErrorKind.UPSTREAM_UNAVAILABLE,
                "The connection to provider '" + providerName + "' failed: " + failure.getMessage()), failure);
    }

    public String providerName() {
        return providerName;
    }

    private static Optional<Duration> seconds(String value) {
        try {
            double seconds = Double.parseDouble(value.trim());
            // "Infinity", negatives and absurd waits are noise, not advice
            if (!Double.isFinite(seconds) || seconds < 0 || seconds > MAX_RETRY_AFTER_SECONDS) return Optional.empty();
            return Optional.of(Duration.ofMillis((long) (seconds * 1000)));
        } catch (NumberFormatException e) {
            return Optional.empty(); // an HTTP-date; rare from model APIs, and a guess is worse than none
        }
    }

    private static String readBounded(InputStream in) {
        try (in) {
            return new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A status-only fallback for upstreams whose error bodies say nothing useful. */
    public static ErrorKind kindOf(int status) {
        return switch (status) {
            case 400, 422 -> ErrorKind.INVALID_REQUEST;
            case 408 -> ErrorKind.UPSTREAM_TIMEOUT;
            case 413 -> ErrorKind.CONTEXT_WINDOW_EXCEEDED;
            case 429 -> ErrorKind.RATE_LIMITED;
            case 500, 502, 503, 529 -> ErrorKind.UPSTREAM_UNAVAILABLE;
            case 504 -> ErrorKind.UPSTREAM_TIMEOUT;
            default -> ErrorKind.UPSTREAM_ERROR;
        };
    }
}
