package dev.corral.server;

import dev.corral.node.NodeSecurity;
import dev.corral.tree.Acls;
import dev.corral.wire.Acl;
import dev.corral.wire.Id;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who an admin HTTP request is, and whether that identity holds a permission on a znode: ZooKeeper 3.9.5's
 * {@code admin/Commands#handleAuthentication} and {@code #handleAuthorization}.
 *
 * <p>Authentication. The request's {@code Authorization} header is {@code <scheme>} or
 * {@code <scheme> <auth>}, split on single spaces (a third part fails). The schemes and their identities:
 * <ul>
 *   <li>{@code digest user:password}: {@code digest:user:base64(sha1(user:password))}, and also {@code super}
 *       when that is the superDigest (DigestAuthenticationProvider). Any user and password authenticate; the
 *       ACL decides what they may do.
 *   <li>{@code x509}: the subject of the client certificate the TLS handshake received, after the chain is
 *       checked against the client port's trust store ({@code ssl.trustStore.*}, X509AuthenticationProvider's),
 *       and also {@code super} for X509AuthenticationProvider.superUser. Only when the x509 scheme is registered
 *       (a TLS client port, or authProvider.N naming it), and only with a certificate, which the admin port
 *       asks for only with {@code admin.needClientAuth=true}.
 *   <li>{@code ip}: the connection's remote address (X-Forwarded-For is not read).
 * </ul>
 * Any other scheme, sasl included (its provider has no HTTP form), fails.
 *
 * <p>Authorization: each bit of the permission asked for must be granted to one of the identities by the
 * znode's ACL (checked bit by bit, as ZooKeeper does), a super identity passing every check.
 */
final class AdminAuthentication {
    private static final Logger LOG = LoggerFactory.getLogger(AdminAuthentication.class);

    /** What a command needs: ZooKeeper's AuthRequest, e.g. ALL on "/" for its snapshot and restore commands. */
    record Required(int perms, String path) {}

    private final String superDigest;
    private final NodeSecurity security;
    // The client port's trust store as a trust manager, or null when there is none (then x509 fails, as in
    // ZooKeeper, whose provider logs "No trust manager available to authenticate").
    private final X509TrustManager clientTrust;

    AdminAuthentication(String superDigest, NodeSecurity security, X509TrustManager clientTrust) {
        this.superDigest = superDigest;
        this.security = security;
        this.clientTrust = clientTrust;
    }

    /** The identities {@code request}'s Authorization header proves; empty when it proves none. */
    List<Id> authenticate(HttpServer.Request request) {
        String header = request.authorization();
        if (header == null) {
            return List.of();
        }
        String[] parts = header.split(" ");
        if (parts.length != 1 && parts.length != 2) {
            return List.of();
        }
        String auth = parts.length == 2 ? parts[1] : null;
        return switch (parts[0]) {
            case Acls.DIGEST -> digest(auth);
            case Acls.X509 -> x509(request.certificates());
            case Acls.IP -> List.of(new Id(Acls.IP, request.remoteAddress()));
            default -> List.of();
        };
    }

    private List<Id> digest(String userColonPassword) {
        if (userColonPassword == null) {
            return List.of();
        }
        String digest = Acls.digest(userColonPassword);
        List<Id> ids = new ArrayList<>(2);
        if (digest.equals(superDigest)) {
            ids.add(new Id(Acls.SUPER, ""));
        }
        ids.add(new Id(Acls.DIGEST, digest));
        return ids;
    }

    private List<Id> x509(List<X509Certificate> chain) {
        String subject = x509Subject(chain);
        if (subject == null) {
            return List.of();
        }
        List<Id> ids = new ArrayList<>(2);
        if (subject.equals(security.x509SuperUser())) {
            ids.add(new Id(Acls.SUPER, subject));
        }
        ids.add(new Id(Acls.X509, subject));
        return ids;
    }

    /**
     * The x509 id of a request's certificate chain: the leaf's subject (X500Principal#getName, as
     * X509AuthenticationProvider and the client port's TLS handler name it), once the chain is trusted by the
     * client port's trust store; null without the x509 scheme, a certificate or a trust store, or when the
     * chain is not trusted. The web console's logins use it too ({@link ConsoleCertificateGrant}).
     */
    String x509Subject(List<X509Certificate> chain) {
        if (!security.x509Registered() || chain.isEmpty() || clientTrust == null) {
            return null;
        }
        X509Certificate leaf = chain.get(0);
        try {
            clientTrust.checkClientTrusted(chain.toArray(new X509Certificate[0]), leaf.getPublicKey().getAlgorithm());
        } catch (CertificateException e) {
            LOG.warn("Admin request refused: its certificate {} is not trusted by the client port's trust store: {}",
                    leaf.getSubjectX500Principal(), e.getMessage());
            return null;
        }
        return leaf.getSubjectX500Principal().getName();
    }

    /** Whether {@code acl} grants every bit of {@code perms} to {@code ids} (each bit may come from another entry). */
    static boolean authorized(List<Acl> acl, int perms, List<Id> ids) {
        for (int bit = 1; bit <= perms; bit <<= 1) {
            if ((perms & bit) != 0 && !Acls.isAllowed(acl, bit, ids)) {
                return false;
            }
        }
        return true;
    }
}
