package dev.corral.server.tls;

import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trust manager that, after the usual chain check, checks that a peer's certificate names the peer: ZooKeeper
 * 3.9.5's ZKTrustManager on the quorum ports ({@code ssl.quorum.hostnameVerification}, default true). The
 * connecting side checks the accepting member's certificate against the host of its server.N line, the
 * accepting side ({@code ssl.quorum.clientHostnameVerification}, default true, and only with the former) checks
 * the connecting member's against the address it connected from.
 *
 * <p>How a host is matched, as ZooKeeper does (ZKTrustManager#performHostVerification with ZKHostnameVerifier):
 * the peer's host is resolved to an address, whose text (say 127.0.0.1) must be an iPAddress subjectAltName;
 * failing that, with {@code ssl.quorum.allowReverseDnsLookup} (default true), the name a reverse lookup gives
 * (say localhost) must be a dNSName subjectAltName, case-insensitive, a leading "*." matching one label. A
 * certificate without any subjectAltName is matched by its subject's CN instead. A refusal fails the handshake
 * and is logged with the names the certificate holds and the host it was checked against.
 */
public final class PeerHostVerifier extends X509ExtendedTrustManager {
    private static final Logger LOG = LoggerFactory.getLogger(PeerHostVerifier.class);
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private final X509ExtendedTrustManager chain;
    private final boolean verifyServer;
    private final boolean verifyClient;
    private final boolean reverseDnsLookup;

    /**
     * @param chain the trust store's own check, done first
     * @param verifyServer check an accepting peer's certificate (on the connecting side)
     * @param verifyClient check a connecting peer's certificate (on the accepting side)
     * @param reverseDnsLookup try the reverse lookup's name when the address is not named
     */
    public PeerHostVerifier(X509ExtendedTrustManager chain, boolean verifyServer, boolean verifyClient, boolean reverseDnsLookup) {
        this.chain = chain;
        this.verifyServer = verifyServer;
        this.verifyClient = verifyClient;
        this.reverseDnsLookup = reverseDnsLookup;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType, SSLEngine engine) throws CertificateException {
        chain.checkClientTrusted(certificates, authType, engine);
        if (verifyClient) {
            verify(engine.getPeerHost(), certificates[0], "connecting");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType, SSLEngine engine) throws CertificateException {
        chain.checkServerTrusted(certificates, authType, engine);
        if (verifyServer) {
            verify(engine.getPeerHost(), certificates[0], "accepting");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType, Socket socket) throws CertificateException {
        chain.checkClientTrusted(certificates, authType, socket);
        if (verifyClient) {
            verify(socket.getInetAddress().getHostAddress(), certificates[0], "connecting");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType, Socket socket) throws CertificateException {
        chain.checkServerTrusted(certificates, authType, socket);
        if (verifyServer) {
            verify(socket.getInetAddress().getHostAddress(), certificates[0], "accepting");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
        chain.checkClientTrusted(certificates, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
        chain.checkServerTrusted(certificates, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chain.getAcceptedIssuers();
    }

    private void verify(String peerHost, X509Certificate certificate, String side) throws CertificateException {
        if (peerHost == null) {
            throw refused(certificate, side, "an unknown peer (no address to check its certificate against)");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(peerHost);
        } catch (UnknownHostException e) {
            throw refused(certificate, side, peerHost + ", which does not resolve");
        }
        String hostAddress = address.getHostAddress();
        if (names(certificate, hostAddress)) {
            return;
        }
        String hostName = reverseDnsLookup ? address.getHostName() : null;
        if (hostName != null && names(certificate, hostName)) {
            return;
        }
        throw refused(certificate, side, hostAddress + (hostName == null ? " (reverse lookup off: allowReverseDnsLookup=false)"
                : " or " + hostName));
    }

    private static CertificateException refused(X509Certificate certificate, String side, String host) {
        String message = "the " + side + " member's certificate " + certificate.getSubjectX500Principal().getName() + " (names "
                + namesOf(certificate) + ") does not name " + host + "; refusing the quorum connection "
                + "(ssl.quorum.hostnameVerification=false turns this check off)";
        LOG.warn("Quorum TLS host name verification failed: {}", message);
        return new CertificateException("Failed to verify both host address and host name: " + message);
    }

    /** Whether {@code host} (an address's text or a DNS name) is a name of {@code certificate}. */
    static boolean names(X509Certificate certificate, String host) {
        boolean address = isAddress(host);
        List<List<?>> alternatives = alternativeNames(certificate);
        if (alternatives.isEmpty()) {
            String cn = commonName(certificate);
            return cn != null && (address ? cn.equals(host) : dnsMatches(cn, host));
        }
        for (List<?> alternative : alternatives) {
            int type = (Integer) alternative.get(0);
            String value = String.valueOf(alternative.get(1));
            if (address && type == IP_ADDRESS && sameAddress(value, host)) {
                return true;
            }
            if (!address && type == DNS_NAME && dnsMatches(value, host)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAddress(String host) {
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static boolean sameAddress(String named, String host) {
        try {
            // Literals only: both are address texts, so no lookup happens; IPv6 forms compare by value.
            return InetAddress.getByName(named).equals(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** RFC 6125 as ZooKeeper's verifier applies it: equal ignoring case, or "*." standing for exactly one leftmost label. */
    static boolean dnsMatches(String pattern, String host) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String h = host.toLowerCase(Locale.ROOT);
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot).equals(p.substring(1));
        }
        return p.equals(h);
    }

    private static List<List<?>> alternativeNames(X509Certificate certificate) {
        try {
            java.util.Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            return names == null ? List.of() : new ArrayList<>(names);
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    private static String commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    private static String namesOf(X509Certificate certificate) {
        List<String> shown = new ArrayList<>();
        for (List<?> alternative : alternativeNames(certificate)) {
            shown.add(String.valueOf(alternative.get(1)));
        }
        return shown.isEmpty() ? "CN " + commonName(certificate) : String.join(", ", shown);
    }
}
