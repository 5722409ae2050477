package dev.quarry.server;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/** A connection's context as Helidon made it, with the reader and executor {@link GoAwayDeferral} puts in between. */
record DeferringContext(ConnectionContext helidons, DataReader dataReader, ExecutorService executor) implements ConnectionContext {
    @Override
    public ListenerContext listenerContext() {
        return helidons.listenerContext();
    }

    @Override
    public DataWriter dataWriter() {
        return helidons.dataWriter();
    }

    @Override
    public Router router() {
        return helidons.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
        return helidons.proxyProtocolData();
    }

    @Override
    public HelidonSocket serverSocket() {
        return helidons.serverSocket();
    }

    @Override
    public PeerInfo remotePeer() {
        return helidons.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
        return helidons.localPeer();
    }

    @Override
    public boolean isSecure() {
        return helidons.isSecure();
    }

    @Override
    public String socketId() {
        return helidons.socketId();
    }

    @Override
    public String childSocketId() {
        return helidons.childSocketId();
    }
}
