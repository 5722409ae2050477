package dev.quarry.server;

import io.helidon.common.Weight;
import io.helidon.common.Weighted;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.spi.Http1UpgradeProvider;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.http2.Http2Config;
import io.helidon.webserver.http2.Http2UpgradeProvider;
import io.helidon.webserver.spi.ServerConnection;
import java.util.Base64;
import java.util.List;

/**
 * Helidon's upgrade from HTTP/1.1 to cleartext HTTP/2 ({@code Upgrade: h2c}, which Java's own
 * HTTP client sends), less its 500 when the {@code HTTP2-Settings} header is missing or is not
 * base64url-encoded settings: such a request is served as the HTTP/1.1 request it also is, since a
 * server may always ignore an upgrade (RFC 9110, section 7.8). Found by Helidon's service loader
 * ahead of its own provider for the same protocol. The upgraded connection is behind a {@link
 * GoAwayDeferral}, as prior knowledge's is.
 */
@Weight(Weighted.DEFAULT_WEIGHT + 10)
public final class CheckedH2cUpgradeProvider implements Http1UpgradeProvider<Http2Config> {
    private static final HeaderName SETTINGS = HeaderNames.create("HTTP2-Settings");
    /** Each setting is a 16-bit identifier and a 32-bit value. */
    private static final int SETTING_BYTES = 6;

    private final Http2UpgradeProvider helidons = Http2UpgradeProvider.builder().build();

    @Override
    public String protocolType() {
        return helidons.protocolType();
    }

    @Override
    public Class<Http2Config> protocolConfigType() {
        return helidons.protocolConfigType();
    }

    @Override
    public Http1Upgrader create(Http2Config config, ProtocolConfigs configs) {
        Http1Upgrader upgrader = helidons.create(config, configs);
        return new Http1Upgrader() {
            @Override
            public String supportedProtocol() {
                return upgrader.supportedProtocol();
            }

            @Override
            public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
                return wellFormedSettings(headers) ? GoAwayDeferral.open(ctx, deferring -> upgrader.upgrade(deferring, prologue, headers)) : null;
            }
        };
    }

    private static boolean wellFormedSettings(WritableHeaders<?> headers) {
        if (!headers.contains(SETTINGS)) return false;
        List<String> values = headers.get(SETTINGS).allValues();
        if (values.size() != 1) return false;
        try {
            return Base64.getUrlDecoder().decode(values.getFirst().strip()).length % SETTING_BYTES == 0;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }
}
