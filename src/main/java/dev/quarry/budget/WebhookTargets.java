package dev.quarry.budget;

import dev.quarry.canonical.QuarryException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where budget alerts may be POSTed. Anyone who may write budgets chooses the URL, and Quarry
 * sends from inside the network, so by default a webhook must go to a public address:
 * loopback, link-local (169.254.0.0/16, where cloud metadata lives; fe80::/10), private
 * (10/8, 172.16/12, 192.168/16), shared (100.64/10), IETF protocol (192.0.0/24), benchmarking
 * (198.18/15), reserved (240/4), unique-local (fc00::/7), unspecified and multicast addresses are
 * refused, and so are IPv6 forms that carry an IPv4 address (IPv4-compatible, NAT64 64:ff9b::/96,
 * 6to4 2002::/16) when that address is refused, and the tunnel and local NAT64 prefixes whose
 * destination cannot be judged (Teredo 2001::/32, 64:ff9b:1::/48). The URL is checked when a budget is defined and again, after
 * resolving its host, before each alert is sent, so a name that later resolves inward (DNS
 * rebinding) is caught; the JVM keeps a resolved name for 30 seconds, so the HTTP client connects
 * to the address just checked. An operator who wants alerts on an internal service sets
 * {@value #ALLOW_INTERNAL_ENV}{@code =true}.
 */
public final class WebhookTargets {
    public static final String ALLOW_INTERNAL_ENV = "QUARRY_ALLOW_INTERNAL_WEBHOOKS";
    /** Public addresses only: the default. */
    public static final WebhookTargets PUBLIC = new WebhookTargets(false);
    /** Any address: the operator opted in. */
    public static final WebhookTargets ANY = new WebhookTargets(true);

    private final boolean allowInternal;

    private WebhookTargets(boolean allowInternal) {
        this.allowInternal = allowInternal;
    }

    /** What the environment allows ({@value #ALLOW_INTERNAL_ENV}). */
    public static WebhookTargets from(Function<String, String> env) {
        return "true".equalsIgnoreCase(String.valueOf(env.apply(ALLOW_INTERNAL_ENV)).strip()) ? ANY : PUBLIC;
    }

    /**
     * A webhook being defined ({@link Budget} has checked it is http or https). A host that does
     * not resolve yet is accepted: it is checked again at each send.
     *
     * @throws QuarryException 400 on {@code webhook_url} naming what is wrong
     */
    void checkDefinition(URI webhook) {
        if (webhook == null) return;
        try {
            internalAddress(webhook).ifPresent(address -> {
                throw QuarryException.invalid("webhook_url", refusal(webhook, address));
            });
        } catch (UnknownHostException notYet) {
            // checked again when an alert is sent
        }
    }

    /**
     * The reason not to send to this webhook now, resolving its host afresh; empty when it may be sent.
     *
     * @throws UnknownHostException when its host does not resolve
     */
    Optional<String> refusalBeforeSending(URI webhook) throws UnknownHostException {
        return internalAddress(webhook).map(address -> refusal(webhook, address));
    }

    /** A webhook as reads show it: credentials may hide in its user info, path or query, so only its origin is shown. */
    public static String redacted(URI webhook) {
        if (webhook == null) return null;
        boolean hidden = webhook.getRawUserInfo() != null || webhook.getRawQuery() != null || webhook.getRawFragment() != null
                || (webhook.getRawPath() != null && !webhook.getRawPath().isEmpty() && !webhook.getRawPath().equals("/"));
        return webhook.getScheme() + "://" + webhook.getHost() + (webhook.getPort() < 0 ? "" : ":" + webhook.getPort()) + (hidden ? "/***" : "");
    }

    private Optional<InetAddress> internalAddress(URI webhook) throws UnknownHostException {
        if (allowInternal) return Optional.empty();
        for (InetAddress address : InetAddress.getAllByName(webhook.getHost())) {
            if (internal(address)) return Optional.of(address);
        }
        return Optional.empty();
    }

    private static String refusal(URI webhook, InetAddress address) {
        return "The webhook host '" + webhook.getHost() + "' is an internal address (" + address.getHostAddress() + "); alerts go to public "
                + "addresses only unless the operator sets " + ALLOW_INTERNAL_ENV + "=true.";
    }

    static boolean internal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        return switch (address) {
            // 0.0.0.0/8 (this network), 100.64.0.0/10 (shared, carrier NAT), 192.0.0.0/24 (IETF protocol
            // assignments), 198.18.0.0/15 (benchmarking), 240.0.0.0/4 (reserved, with 255.255.255.255)
            case Inet4Address v4 -> (b[0] & 0xff) == 0 || ((b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64)
                    || ((b[0] & 0xff) == 192 && b[1] == 0 && b[2] == 0) || ((b[0] & 0xff) == 198 && (b[1] & 0xfe) == 18)
                    || (b[0] & 0xf0) == 0xf0;
            // fc00::/7 (unique local), Teredo and local-use NAT64 (their IPv4 destination is not plain to see);
            // an IPv4 address embedded in IPv6 is judged as itself
            case Inet6Address v6 -> (b[0] & 0xfe) == 0xfc || teredo(b) || localNat64(b)
                    || embeddedV4(b).map(WebhookTargets::internal).orElse(false);
            default -> true;
        };
    }

    /** 2001:0000::/32. */
    private static boolean teredo(byte[] v6) {
        return (v6[0] & 0xff) == 0x20 && (v6[1] & 0xff) == 0x01 && v6[2] == 0 && v6[3] == 0;
    }

    /** 64:ff9b:1::/48, NAT64 for local use (RFC 8215). */
    private static boolean localNat64(byte[] v6) {
        return v6[0] == 0 && (v6[1] & 0xff) == 0x64 && (v6[2] & 0xff) == 0xff && (v6[3] & 0xff) == 0x9b && v6[4] == 0 && v6[5] == 1;
    }

    /** The IPv4 address in an IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) or 6to4 (2002:aabb:ccdd::) IPv6 address. */
    private static Optional<InetAddress> embeddedV4(byte[] v6) {
        if ((v6[0] & 0xff) == 0x20 && (v6[1] & 0xff) == 0x02) return Optional.of(v4(v6[2], v6[3], v6[4], v6[5]));
        boolean compatible = true;
        for (int i = 0; i < 12; i++) compatible &= v6[i] == 0;
        boolean nat64 = (v6[0] & 0xff) == 0x00 && (v6[1] & 0xff) == 0x64 && (v6[2] & 0xff) == 0xff && (v6[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) nat64 = v6[i] == 0;
        if (!compatible && !nat64) return Optional.empty();
        return Optional.of(v4(v6[12], v6[13], v6[14], v6[15]));
    }

    private static InetAddress v4(byte a, byte b, byte c, byte d) {
        try {
            return InetAddress.getByAddress(new byte[] {a, b, c, d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }
}
