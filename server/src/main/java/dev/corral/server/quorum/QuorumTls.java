package dev.corral.server.quorum;

import dev.corral.server.tls.PeerHostVerifier;
import dev.corral.server.tls.ReloadingTlsContext;
import dev.corral.server.tls.TlsContexts;
import dev.corral.server.tls.TlsSettings;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;

/**
 * TLS on the quorum and election ports, ZooKeeper's {@code sslQuorum=true} with its {@code ssl.quorum.*} keys
 * (QuorumX509Util): every connection between two members is TLS both ways. The accepting side presents the
 * member's certificate and, with ZooKeeper's default {@code ssl.quorum.clientAuth=need}, requires the
 * connecting member's; the connecting side presents its own and checks the accepting member's certificate
 * against the trust store and, unless {@code ssl.quorum.hostnameVerification=false}, against the host of its
 * server.N line; the accepting side checks a connecting member's certificate against the address it connects
 * from, unless either that or {@code ssl.quorum.clientHostnameVerification} is false, as ZooKeeper 3.9.5's
 * ZKTrustManager does ({@link PeerHostVerifier}). Key and trust stores replaced on disk serve the next accepted
 * connection, as on the client port.
 *
 * <p>Where Corral differs: ZooKeeper 3.9.5 uses ZKTrustManager only with {@code zookeeper.fips-mode=false}; in
 * its default FIPS mode its quorum sockets check no host name at all. Corral checks as the key says.
 */
public final class QuorumTls {
    private final ReloadingTlsContext accepting;
    private final SslContext connecting;

    private QuorumTls(ReloadingTlsContext accepting, SslContext connecting) {
        this.accepting = accepting;
        this.connecting = connecting;
    }

    /** Both sides' contexts from the {@code ssl.quorum.} settings; unreadable stores fail the start. */
    public static QuorumTls of(TlsSettings settings) throws IOException {
        try {
            boolean verifyServer = settings.hostnameVerification();
            boolean verifyClient = verifyServer && settings.clientHostnameVerification();
            java.util.function.UnaryOperator<javax.net.ssl.X509ExtendedTrustManager> hosts = chain -> new PeerHostVerifier(chain,
                    verifyServer, verifyClient, settings.allowReverseDnsLookup());
            return new QuorumTls(ReloadingTlsContext.open(settings, hosts), TlsContexts.forClient(settings, hosts));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("cannot set up TLS for the quorum ports (" + settings.prefix() + "*): " + e, e);
        }
    }

    /** Puts TLS in front of an accepted member's connection. */
    void onAccepted(SocketChannel channel) {
        // The connecting address is the host the member's certificate must name (client host name verification).
        InetSocketAddress remote = channel.remoteAddress();
        channel.pipeline().addFirst("tls", remote == null ? accepting.newHandler(channel.alloc())
                : accepting.newHandler(channel.alloc(), remote.getAddress().getHostAddress(), remote.getPort()));
    }

    /**
     * Puts TLS in front of a connection to another member once its address is known: when the connect is asked
     * for, so that the certificate can be checked against the host it was asked of.
     */
    void onConnecting(SocketChannel channel) {
        channel.pipeline().addFirst("tls-on-connect", new ChannelOutboundHandlerAdapter() {
            @Override
            public void connect(ChannelHandlerContext ctx, SocketAddress remote, SocketAddress local, ChannelPromise promise) {
                InetSocketAddress peer = (InetSocketAddress) remote;
                ctx.pipeline().replace(this, "tls", connecting.newHandler(ctx.alloc(), peer.getHostString(), peer.getPort()));
                ctx.connect(remote, local, promise);
            }
        });
    }
}
