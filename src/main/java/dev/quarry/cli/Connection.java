package dev.quarry.cli;

import dev.quarry.identity.BootstrapAdmin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the running Quarry an admin command talks to is, and the key it calls with: {@code --key},
 * else {@code QUARRY_ADMIN_KEY}, else — for a server on this machine only — the admin key that
 * {@code quarry serve} keeps in its data folder. A remote server never gets a key read from a
 * local file, so pointing {@code --url} elsewhere cannot leak this machine's admin key; "on this
 * machine" is decided from the URL as written (see {@link #isLoopback}), never from DNS.
 */
final class Connection {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:QUARRY_URL:-http://127.0.0.1:8080}",
            description = "The running Quarry to call (env QUARRY_URL; default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--key", paramLabel = "KEY", description = "The key to call with (default: env " + BootstrapAdmin.ENV
            + ", else, for a server on this machine, the data folder's admin.key).")
    String key;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:QUARRY_DATA:-data}",
            description = "The local server's data folder, where its admin.key is (default: ${DEFAULT-VALUE}).")
    Path data;

    AdminApi api() {
        URI base = base();
        boolean local = isLoopback(base);
        return new AdminApi(base, local, () -> credential(base, local));
    }

    private URI base() {
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new CliFailure("--url '" + url + "' is not a URL; give one like http://127.0.0.1:8080 (or set QUARRY_URL)");
        }
        if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || base.getHost() == null) {
            throw new CliFailure("--url '" + url + "' is not an http(s) URL with a host, like http://127.0.0.1:8080 (or set QUARRY_URL)");
        }
        return base;
    }

    /** Read only once the server answers: a server started a moment ago writes its admin.key before it listens. */
    private String credential(URI base, boolean local) {
        if (key != null && !key.isBlank()) return sendable(key.strip(), "--key");
        String fromEnv = System.getenv(BootstrapAdmin.ENV);
        if (fromEnv != null && !fromEnv.isBlank()) return sendable(fromEnv.strip(), BootstrapAdmin.ENV);
        if (!local) {
            throw new CliFailure("No key to call " + base + " with: pass --key or set " + BootstrapAdmin.ENV
                    + " (a data folder's admin.key is used only for a --url of localhost, 127.0.0.1 or [::1]).");
        }
        Path file = data.resolve("admin.key");
        if (!Files.isRegularFile(file)) {
            throw new CliFailure("No key to call " + base + " with: pass --key, set " + BootstrapAdmin.ENV + ", or point --data at the folder "
                    + "the server was started with (there is no " + file + ").");
        }
        try {
            return sendable(Files.readString(file).strip(), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the admin key in " + file, e);
        }
    }

    /**
     * A key the Authorization header can carry. The HTTP client's own refusal of one that cannot
     * quotes the whole header, key included, onto stderr and into whatever log collects it.
     */
    private static String sendable(String credential, String source) {
        // What java.net.http refuses in a header value: controls (line breaks among them) and characters beyond Latin-1.
        if (credential.chars().noneMatch(c -> Character.isISOControl(c) && c != '\t' || c > 0xff)) return credential;
        throw new CliFailure("The key from " + source + " holds a line break, a control character or a character no HTTP header "
                + "can carry; it is not shown here. Give the key alone, on one line.");
    }

    /**
     * Only a loopback address written as one (127.0.0.0/8, ::1) or the name {@code localhost} is
     * this machine. Any other name is judged by whoever answers for it in DNS: a name that resolves
     * to 127.0.0.1 when checked can resolve elsewhere when the HTTP client connects a moment later
     * (DNS rebinding, or a JVM not caching lookups), and the data folder's admin key would go with it.
     */
    static boolean isLoopback(URI base) {
        String host = base.getHost();
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        try {
            if (host.equalsIgnoreCase("localhost")) return InetAddress.getByName(host).isLoopbackAddress();
            return InetAddress.ofLiteral(host).isLoopbackAddress();
        } catch (UnknownHostException | IllegalArgumentException notLocal) {
            return false;
        }
    }
}
