package dev.corral.node;

import dev.corral.tree.Acls;
import dev.corral.wire.AuthPacket;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Frames;
import dev.corral.wire.GetSASLRequest;
import dev.corral.wire.Id;
import dev.corral.wire.JuteInput;
import dev.corral.wire.OpCode;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.RequestHeader;
import dev.corral.wire.SetSASLResponse;
import java.nio.charset.StandardCharsets;

/**
 * The client packets that say who a connection is: auth (ZooKeeper's {@code addAuth}) and SASL. They are
 * answered at once, outside the session's queue and with zxid 0 in the reply, as ZooKeeper's
 * {@code ZooKeeperServer#processPacket} answers them before anything reaches its request pipeline. The
 * identities a connection gathers decide what its later requests may do (ACLs) and which watch events it
 * may see.
 *
 * <p>Schemes: "digest" (user:password, hashed as ZooKeeper does; the digest of {@code superDigest} also
 * makes the connection super) and "ip" (already the connection's first identity) are accepted; any other
 * scheme fails with AUTHFAILED and closes the connection. "x509" comes from the TLS handshake, not from an
 * auth packet: the shell reports the client certificate's subject ({@link #onClientCertificate}). SASL
 * packets go to the shell's {@link SaslAuthenticator} when one is configured.
 *
 * <p>With authentication enforced ({@link NodeSecurity#enforcedSchemes}), any other request of a
 * connection that has no identity of an enforced scheme is answered SESSIONCLOSEDREQUIRESASLAUTH and the
 * connection closed, as ZooKeeper 3.9's AuthenticationHelper#enforceAuthentication does (its session is
 * left to expire). Invariant: a connection holds each identity once.
 */
final class Authentication {
    // "super:base64digest", whose digest auth grants every permission, or null (ZooKeeper's
    // zookeeper.DigestAuthenticationProvider.superDigest).
    private final String superDigest;
    private final Connections connections;
    private final NodeSecurity security;
    // The SASL server side, when the JAAS configuration has a Server section; null otherwise.
    private SaslAuthenticator sasl;

    Authentication(String superDigest, NodeSecurity security, Connections connections) {
        this.superDigest = superDigest;
        this.security = security;
        this.connections = connections;
    }

    void useSasl(SaslAuthenticator authenticator) {
        this.sasl = authenticator;
    }

    /**
     * The connection's TLS client certificate, whose chain the handshake verified, has this subject
     * (X500Principal#getName): the connection is "x509:subject", and super if that is the configured x509
     * super user, as X509AuthenticationProvider#handleAuthentication has it.
     */
    void onClientCertificate(ClientConnection connection, String subject) {
        if (!security.x509Registered()) {
            return;
        }
        if (subject.equals(security.x509SuperUser())) {
            addAuth(connection, new Id(Acls.SUPER, subject));
        }
        addAuth(connection, new Id(Acls.X509, subject));
    }

    /**
     * True if the connection may send {@code header}'s request; false after answering it
     * SESSIONCLOSEDREQUIRESASLAUTH and closing the connection, when authentication is enforced and the
     * connection has no identity of an enforced scheme.
     */
    boolean enforce(ClientConnection connection, RequestHeader header) {
        if (!security.enforced()) {
            return true;
        }
        for (Id id : connection.authIds) {
            if (security.enforcedSchemes().contains(id.scheme())) {
                return true;
            }
        }
        connections.send(connection, Frames.reply(new ReplyHeader(header.xid(), 0, ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH), null));
        connections.close(connection, "authentication is enforced (enforce.auth.schemes=" + security.enforcedSchemes()
                + ") and the client authenticated with none of those schemes");
        return false;
    }

    /** Answers the packet if it is an auth or SASL packet and returns true; false for any other request. */
    boolean maybeAuthenticate(ClientConnection connection, RequestHeader header, JuteInput in) {
        if (header.type() == OpCode.AUTH) {
            onAuth(connection, header, AuthPacket.read(in));
            return true;
        }
        if (header.type() == OpCode.SASL) {
            GetSASLRequest request = GetSASLRequest.read(in);
            if (sasl == null) {
                // No SASL mechanism is configured: ZooKeeper 3.9 then answers OK with an empty token
                // (ZooKeeperServer#processSasl finds no SASL server), and the client carries on unauthenticated.
                connections.send(connection, Frames.reply(new ReplyHeader(header.xid(), 0, ErrorCode.OK),
                        new SetSASLResponse(null)::write));
            } else {
                onSasl(connection, header, request.token());
            }
            return true;
        }
        return false;
    }

    /**
     * One SASL step, as ZooKeeperServer#processSasl: the answer token with OK; once complete the connection
     * is "sasl:authorizationId", and super if that is zookeeper.superUser. A refused step is answered
     * AUTHFAILED (SESSIONCLOSEDREQUIRESASLAUTH when sasl is an enforced scheme) and the connection closed.
     */
    private void onSasl(ClientConnection connection, RequestHeader header, byte[] token) {
        SaslAuthenticator.Step step;
        try {
            step = sasl.evaluate(connection.connectionId, token == null ? new byte[0] : token);
        } catch (SaslAuthenticator.Refused e) {
            int err = security.enforcedSchemes().contains(Acls.SASL) ? ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH : ErrorCode.AUTHFAILED;
            connections.send(connection, Frames.reply(new ReplyHeader(header.xid(), 0, err), new SetSASLResponse(null)::write));
            connections.close(connection, "SASL authentication failed: " + e.getMessage());
            return;
        }
        if (step.authorizationId() != null) {
            addAuth(connection, new Id(Acls.SASL, step.authorizationId()));
            if (step.authorizationId().equals(security.saslSuperUser())) {
                addAuth(connection, new Id(Acls.SUPER, ""));
            }
        }
        connections.send(connection, Frames.reply(new ReplyHeader(header.xid(), 0, ErrorCode.OK),
                new SetSASLResponse(step.response())::write));
    }

    private void onAuth(ClientConnection connection, RequestHeader header, AuthPacket packet) {
        String scheme = packet.scheme();
        if (Acls.DIGEST.equals(scheme) && packet.auth() != null) {
            String digest = Acls.digest(new String(packet.auth(), StandardCharsets.UTF_8));
            if (superDigest != null && superDigest.equals(digest)) {
                addAuth(connection, new Id(Acls.SUPER, ""));
            }
            addAuth(connection, new Id(Acls.DIGEST, digest));
        } else if (!Acls.IP.equals(scheme)) {
            connections.send(connection,
                    Frames.reply(new ReplyHeader(header.xid(), 0, ErrorCode.AUTHFAILED), null));
            connections.close(connection, "authentication with unknown scheme " + scheme + " failed");
            return;
        }
        connections.send(connection, Frames.reply(new ReplyHeader(header.xid(), 0, ErrorCode.OK), null));
    }

    private static void addAuth(ClientConnection connection, Id id) {
        if (!connection.authIds.contains(id)) {
            connection.authIds.add(id);
        }
    }
}
