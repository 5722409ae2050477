package dev.quarry.agents.runtime.mcp;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How Quarry talks to MCP servers.
 *
 * @param connectTimeout     for a connection: address check, {@code initialize} and every page of {@code tools/list}, together
 * @param callTimeout        for one {@code tools/call}
 * @param allowInsecureHosts hosts that may be reached over plain {@code http}
 * @param allowPrivateHosts  hosts that may resolve to loopback, link-local, private or unspecified addresses
 *                           (the SSRF guard lets them through); matched against the URL's host as written
 * @param maxResultChars     a tool's answer, as text, is cut to this many characters with a note saying so
 */
public record McpSettings(Duration connectTimeout, Duration callTimeout, Set<String> allowInsecureHosts, Set<String> allowPrivateHosts,
                          int maxResultChars) {
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration MAX_CALL_TIMEOUT = Duration.ofHours(1);
    private static final int MAX_RESULT_CHARS = 16 << 20;

    public static final McpSettings DEFAULTS = new McpSettings(Duration.ofSeconds(10), Duration.ofSeconds(120), Set.of(), Set.of(), 1 << 20);

    public McpSettings {
        connectTimeout = bounded("connectTimeout", connectTimeout, MAX_CONNECT_TIMEOUT);
        callTimeout = bounded("callTimeout", callTimeout, MAX_CALL_TIMEOUT);
        allowInsecureHosts = lowerCase(allowInsecureHosts);
        allowPrivateHosts = lowerCase(allowPrivateHosts);
        if (maxResultChars < 1 || maxResultChars > MAX_RESULT_CHARS) {
            throw new IllegalArgumentException("maxResultChars must be 1 to " + MAX_RESULT_CHARS + ", not " + maxResultChars);
        }
    }

    /**
     * The most bytes one HTTP answer may carry: room for {@link #maxResultChars} characters even when
     * every one is a JSON escape, plus the envelope. Beyond it the SDK refuses the answer, so a server
     * cannot make Quarry hold an unbounded body only to truncate it.
     */
    int maxResponseBytes() {
        return (int) Math.min(Integer.MAX_VALUE, 6L * maxResultChars + (1 << 20));
    }

    private static Duration bounded(String name, Duration value, Duration max) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be more than 0 and at most " + max + ", not " + value);
        }
        return value;
    }

    private static Set<String> lowerCase(Set<String> hosts) {
        return hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
