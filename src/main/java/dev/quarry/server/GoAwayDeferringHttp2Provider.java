package dev.quarry.server;

import io.helidon.common.Weight;
import io.helidon.common.Weighted;
import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http2.Http2Config;
import io.helidon.webserver.http2.Http2ConnectionProvider;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.helidon.webserver.spi.ServerConnectionSelectorProvider;
import java.util.Set;

/**
 * Helidon's HTTP/2 connections (prior knowledge, and ALPN's h2), each behind a {@link
 * GoAwayDeferral}. Found by Helidon's service loader ahead of Helidon's own provider, whose
 * selector the listener still lists after this one but never reaches: the first selector that
 * recognises the connection preface takes the connection.
 */
@Weight(Weighted.DEFAULT_WEIGHT + 10)
public final class GoAwayDeferringHttp2Provider implements ServerConnectionSelectorProvider<Http2Config> {
    private final Http2ConnectionProvider helidons = new Http2ConnectionProvider();

    @Override
    public Class<Http2Config> protocolConfigType() {
        return helidons.protocolConfigType();
    }

    @Override
    public String protocolType() {
        return helidons.protocolType();
    }

    @Override
    public ServerConnectionSelector create(String listenerName, Http2Config config, ProtocolConfigs configs) {
        ServerConnectionSelector selector = helidons.create(listenerName, config, configs);
        return new ServerConnectionSelector() {
            @Override
            public int bytesToIdentifyConnection() {
                return selector.bytesToIdentifyConnection();
            }

            @Override
            public Support supports(BufferData request) {
                return selector.supports(request);
            }

            @Override
            public Set<String> supportedApplicationProtocols() {
                return selector.supportedApplicationProtocols();
            }

            @Override
            public ServerConnection connection(ConnectionContext ctx) {
                return GoAwayDeferral.open(ctx, selector::connection);
            }
        };
    }
}
