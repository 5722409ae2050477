package dev.quarry.agents.runtime.mcp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Refuses MCP server URLs that would let an agent's spec reach what Quarry's own network can
 * (SSRF): plain {@code http} outside {@link McpSettings#allowInsecureHosts}, and hosts resolving
 * to loopback, link-local (cloud metadata at 169.254.169.254), private or unspecified addresses
 * outside {@link McpSettings#allowPrivateHosts}. Every address a name resolves to is checked, so
 * one private record among public ones is refused too.
 */
final class ServerUrlGuard {
    private ServerUrlGuard() {}

    /** {@code serverUrl} as a URI of an allowed scheme and host, or {@link McpUnavailable} saying why not. Does no I/O. */
    static URI check(String label, String serverUrl, McpSettings settings) {
        URI url;
        try {
            url = new URI(serverUrl);
        } catch (URISyntaxException e) {
            throw refused(label, "its server_url is not a URL");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        String host = host(url);
        if (host == null) throw refused(label, "its server_url has no host");
        if (url.getRawUserInfo() != null) throw refused(label, "its server_url carries user info; send credentials as authorization");
        if (!scheme.equals("https") && !(scheme.equals("http") && settings.allowInsecureHosts().contains(host))) {
            throw refused(label, "its server_url must use https (plain http only to hosts in allow_insecure_hosts), and '"
                    + host + "' over '" + scheme + "' is not allowed");
        }
        return url;
    }

    /** Resolves {@code url}'s host (blocking) and refuses it when an address is internal and the host is not allowed to be. */
    static void checkAddresses(String label, URI url, McpSettings settings) {
        String host = host(url);
        if (settings.allowPrivateHosts().contains(host)) return;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(unbracketed(host));
        } catch (UnknownHostException e) {
            throw new McpUnavailable("MCP server '" + label + "' cannot be reached: host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            if (internal(address)) {
                throw refused(label, "host '" + host + "' resolves to " + address.getHostAddress()
                        + ", an internal address (loopback, link-local, private or unspecified) not in allow_private_hosts");
            }
        }
    }

    private static String host(URI url) {
        return url.getHost() == null ? null : url.getHost().toLowerCase(Locale.ROOT);
    }

    private static boolean internal(InetAddress address) {
        return address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress() || uniqueLocalV6(address) || sharedV4(address);
    }

    /** IPv6 fc00::/7, the private range the JDK's {@code isSiteLocalAddress} (deprecated fec0::/10) misses. */
    private static boolean uniqueLocalV6(InetAddress address) {
        return address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc;
    }

    /** IPv4 100.64.0.0/10 (carrier-grade NAT), which clouds use inside their networks too. */
    private static boolean sharedV4(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static McpUnavailable refused(String label, String why) {
        return new McpUnavailable("MCP server '" + label + "' is refused: " + why);
    }
}
