package dev.corral.server;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * How a console login carries the x509 identity of the browser's TLS client certificate into its ZooKeeper
 * session. The console cannot present the certificate on the client port itself (it has no private key), so
 * the server gives the identity to the console's connection directly, through this in-process call, exactly
 * as its TLS handler gives it to a client's connection after a handshake ({@code Node#onClientCertificate}):
 * the connection gets "x509:subject" (and super for the configured x509 super user), the identity
 * ZooKeeper's X509AuthenticationProvider derives from the same certificate, so every ACL with scheme x509
 * applies as for a client presenting it.
 *
 * <p>Why no one else can obtain the identity this way:
 * <ul>
 *   <li>There is no packet, auth scheme or HTTP route for it: the only caller is the console's login code,
 *       and it calls only with the subject of a certificate that the admin port's TLS handshake received
 *       (so the browser holds its private key) and that the client port's trust store accepts, the check
 *       the admin port makes for "Authorization: x509" ({@link AdminAuthentication#x509Subject}).
 *   <li>The connection it names must match twice: its remote address is the local address of the console
 *       client's own socket, a port this process holds open (the operating system gives it to no one else
 *       meanwhile), and its session is the console's, whose password only this process knows. A network
 *       client can neither connect from that port nor reattach that session.
 *   <li>It only ever adds the identity of the certificate the login's requests present: a request whose
 *       certificate differs from its login's is not served by that login ({@link ConsoleSessions#find}).
 * </ul>
 * If the console's client loses its connection and resumes the session on a new one, the identity is given
 * again once the new connection is up; requests made in between have fewer identities, never more.
 */
@FunctionalInterface
interface ConsoleCertificateGrant {
    /**
     * Gives {@code subject}'s x509 identity to the client-port connection whose remote address is
     * {@code consoleSide} if it carries session {@code sessionId}; completes with whether it did.
     */
    CompletableFuture<Boolean> grant(InetSocketAddress consoleSide, long sessionId, String subject);
}
