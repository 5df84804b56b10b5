package dev.corral.server.quorum;

import dev.corral.wire.MalformedRecordException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The first bytes an election connection's initiator sends, in ZooKeeper 3.9.5's format
 * (QuorumCnxManager#startConnection writes it, QuorumCnxManager.InitialMessage#parse reads it). The
 * acceptor answers nothing: after it, both directions carry only notification frames.
 *
 * <p>Grammar (big-endian):
 * <pre>
 *   handshake = long protocolVersion     ; -65536 (V1, one address) or -65535 (V2, "a|b|...")
 *               long serverId            ; the initiator's myid
 *               int addressLength        ; 1..2048
 *               addressLength bytes      ; UTF-8 "host:port" (V1) or "host:port|host:port..." (V2)
 *             | long serverId            ; before ZooKeeper 3.5: a non-negative first long is the id itself
 * </pre>
 *
 * @param serverId the initiator's server id
 * @param addresses the election addresses it announced, as "host:port" text (empty for the old form)
 */
public record ElectionHandshake(long serverId, List<String> addresses) {
    /** ZOOKEEPER-107, ZooKeeper 3.5: one election address (QuorumCnxManager.PROTOCOL_VERSION_V1). */
    public static final long PROTOCOL_VERSION_V1 = -65536L;
    /** ZOOKEEPER-3188, ZooKeeper 3.6: several election addresses (QuorumCnxManager.PROTOCOL_VERSION_V2). */
    public static final long PROTOCOL_VERSION_V2 = -65535L;
    /** The longest address text ZooKeeper accepts (QuorumCnxManager.maxBuffer). */
    public static final int ADDRESS_BYTES_MAX = 2048;

    public ElectionHandshake {
        addresses = List.copyOf(addresses);
    }

    /** What ZooKeeper's initiator writes without multi-address: V1 and its one election address. */
    public static byte[] encode(long serverId, InetSocketAddress electionAddress) {
        byte[] address = format(electionAddress).getBytes(StandardCharsets.UTF_8);
        if (address.length > ADDRESS_BYTES_MAX) {
            throw new IllegalArgumentException("election address " + format(electionAddress) + " is longer than "
                    + ADDRESS_BYTES_MAX + " bytes");
        }
        return ByteBuffer.allocate(8 + 8 + 4 + address.length)
                .putLong(PROTOCOL_VERSION_V1).putLong(serverId).putInt(address.length).put(address).array();
    }

    /** ZooKeeper's NetUtils#formatInetAddr: "host:port", an IPv6 host in brackets. */
    static String format(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Whether the first long is a protocol version this side reads; a non-negative one is the old form's id. */
    static void checkVersion(long protocolVersion) {
        if (protocolVersion != PROTOCOL_VERSION_V1 && protocolVersion != PROTOCOL_VERSION_V2) {
            throw new MalformedRecordException("election handshake of unrecognized protocol version " + protocolVersion);
        }
    }

    static void checkAddressLength(int length) {
        if (length <= 0 || length > ADDRESS_BYTES_MAX) {
            throw new MalformedRecordException("election handshake address length " + length + ", not in 1.."
                    + ADDRESS_BYTES_MAX);
        }
    }

    /**
     * The addresses in {@code text}, each checked as InitialMessage#parse checks it: "host:port" with a
     * bracketed IPv6 host allowed and a numeric port.
     */
    static ElectionHandshake parse(long serverId, String text) {
        List<String> addresses = new ArrayList<>();
        for (String address : text.split("\\|")) {
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1) {
                throw new MalformedRecordException("election handshake of server " + serverId
                        + ": badly formed address '" + address + "'");
            }
            String host = address.substring(0, colon);
            if (host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]"))) {
                throw new MalformedRecordException("election handshake of server " + serverId
                        + ": IPv6 host without brackets in '" + address + "'");
            }
            try {
                Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new MalformedRecordException("election handshake of server " + serverId + ": bad port number in '"
                        + address + "'");
            }
            addresses.add(address);
        }
        return new ElectionHandshake(serverId, addresses);
    }
}
