package dev.corral.tree;

import dev.corral.wire.Acl;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Id;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * ACL checks and ACL normalisation with ZooKeeper 3.9's rules and its built-in schemes world, auth,
 * digest and ip ({@code ZooKeeperServer#checkACL}, {@code PrepRequestProcessor#fixupACL},
 * {@code DigestAuthenticationProvider}, {@code IPAuthenticationProvider}), and x509 and sasl where their
 * providers are registered ({@code X509AuthenticationProvider}: the id is a client certificate's subject,
 * an X.500 name; {@code SASLAuthenticationProvider}: the SASL authorization id; both matched exactly).
 *
 * <p>An identity of scheme "super" passes every check. Only IPv4 addresses are understood by the ip
 * scheme for now.
 */
public final class Acls {
    public static final String WORLD = "world";
    public static final String AUTH = "auth";
    public static final String DIGEST = "digest";
    public static final String IP = "ip";
    public static final String SUPER = "super";
    public static final String X509 = "x509";
    public static final String SASL = "sasl";

    private Acls() {}

    /** Throws NOAUTH unless some entry grants {@code perm} to one of {@code auth}'s identities. */
    public static void check(List<Acl> acl, int perm, List<Id> auth, String path) throws KeeperError {
        if (isAllowed(acl, perm, auth)) {
            return;
        }
        throw new KeeperError(ErrorCode.NOAUTH, "no permission " + perm + " on " + path);
    }

    public static boolean isAllowed(List<Acl> acl, int perm, List<Id> auth) {
        if (acl == null || acl.isEmpty()) {
            return true;
        }
        for (Id id : auth) {
            if (SUPER.equals(id.scheme())) {
                return true;
            }
        }
        for (Acl entry : acl) {
            if ((entry.perms() & perm) == 0) {
                continue;
            }
            Id id = entry.id();
            if (WORLD.equals(id.scheme()) && "anyone".equals(id.id())) {
                return true;
            }
            for (Id authId : auth) {
                if (authId.scheme().equals(id.scheme()) && matches(id.scheme(), authId.id(), id.id())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The ACL a create or setACL stores: duplicates removed, "auth" entries replaced by the session's
     * authenticated identities. Throws INVALIDACL for an empty list, an unknown scheme, an id its scheme
     * rejects, or an "auth" entry on a session with no authenticated identity; MARSHALLINGERROR for a
     * null id of scheme world, digest or ip, as ZooKeeper answers it.
     */
    public static List<Acl> fixup(List<Acl> acl, List<Id> auth, String path) throws KeeperError {
        return fixup(acl, auth, path, java.util.Set.of());
    }

    /**
     * As {@link #fixup(List, List, String)}; {@code registeredSchemes}: the schemes besides digest and ip that
     * have an authentication provider (x509, sasl), whose ids are valid in an ACL.
     */
    public static List<Acl> fixup(List<Acl> acl, List<Id> auth, String path, java.util.Set<String> registeredSchemes)
            throws KeeperError {
        if (acl == null || acl.isEmpty()) {
            throw invalid(path, "empty ACL");
        }
        List<Acl> result = new ArrayList<>();
        for (Acl entry : new LinkedHashSet<>(acl)) {
            Id id = entry == null ? null : entry.id();
            if (id == null || id.scheme() == null) {
                throw invalid(path, "ACL entry without an id");
            }
            // A null id text, as kazoo sends Id(scheme, "") (it writes an empty string as length -1):
            // ZooKeeper ignores the id of an "auth" entry, rejects an unknown scheme before looking at
            // its id, and dereferences the id of world, digest and ip entries, a NullPointerException
            // that PrepRequestProcessor answers with MARSHALLINGERROR (a multi then fails as a whole).
            if (id.id() == null && !AUTH.equals(id.scheme())) {
                if (WORLD.equals(id.scheme()) || isKnownScheme(id.scheme(), registeredSchemes)) {
                    throw new KeeperError(ErrorCode.MARSHALLINGERROR,
                            "ACL entry of scheme " + id.scheme() + " without an id for " + path);
                }
                throw invalid(path, "ACL entry of scheme " + id.scheme() + " without an id");
            }
            if (WORLD.equals(id.scheme()) && "anyone".equals(id.id())) {
                result.add(entry);
            } else if (AUTH.equals(id.scheme())) {
                boolean any = false;
                for (Id authId : auth) {
                    if (isAuthenticatedScheme(authId.scheme())) {
                        any = true;
                        result.add(new Acl(entry.perms(), authId));
                    }
                }
                if (!any) {
                    throw invalid(path, "auth scheme ACL but the session has no authenticated identity");
                }
            } else if (!isValidId(id.scheme(), id.id(), registeredSchemes)) {
                throw invalid(path, "invalid id " + id.scheme() + ":" + id.id());
            } else {
                result.add(entry);
            }
        }
        // Duplicates are removed from the request only: an "auth" entry that expands to an id also listed
        // explicitly is stored twice, as ZooKeeper stores it.
        return List.copyOf(result);
    }

    private static KeeperError invalid(String path, String why) {
        return new KeeperError(ErrorCode.INVALIDACL, "invalid ACL for " + path + ": " + why);
    }

    /** Schemes whose identities an "auth" ACL entry may stand for (ZooKeeper's {@code isAuthenticated()}). */
    static boolean isAuthenticatedScheme(String scheme) {
        return DIGEST.equals(scheme) || X509.equals(scheme) || SASL.equals(scheme);
    }

    /** Schemes with an authentication provider, whose ids an ACL may name (ZooKeeper's ProviderRegistry). */
    static boolean isKnownScheme(String scheme, java.util.Set<String> registeredSchemes) {
        return DIGEST.equals(scheme) || IP.equals(scheme) || registeredSchemes.contains(scheme);
    }

    static boolean isValidId(String scheme, String id, java.util.Set<String> registeredSchemes) {
        return switch (scheme) {
            case DIGEST -> id.split(":").length == 2;
            case IP -> isValidIpExpression(id);
            case X509 -> registeredSchemes.contains(X509) && isX500Name(id);
            // SASLAuthenticationProvider#isValid: any id.
            case SASL -> registeredSchemes.contains(SASL);
            default -> false;
        };
    }

    /** X509AuthenticationProvider#isValid: the id parses as an X.500 distinguished name. */
    private static boolean isX500Name(String id) {
        try {
            new javax.security.auth.x500.X500Principal(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean matches(String scheme, String authId, String aclId) {
        return switch (scheme) {
            case DIGEST, X509, SASL -> authId.equals(aclId);
            case IP -> ipMatches(authId, aclId);
            default -> false;
        };
    }

    /** "user:password" to "user:base64(sha1(user:password))", the digest scheme's stored form. */
    public static String digest(String userColonPassword) {
        String user = userColonPassword.split(":", 2)[0];
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA1").digest(userColonPassword.getBytes(StandardCharsets.UTF_8));
            return user + ":" + Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA1 is required of every Java runtime", e);
        }
    }

    /** The user name a whoAmI reply shows for an identity ("" for super, as ZooKeeper shows it). */
    public static String userName(Id id) {
        return switch (id.scheme()) {
            case DIGEST -> id.id().split(":", 2)[0];
            case IP, X509, SASL -> id.id();
            default -> "";
        };
    }

    /** Digest ids with the password hash replaced by "x", as getACL shows them to a client without ADMIN. */
    public static List<Acl> maskDigests(List<Acl> acl) {
        List<Acl> masked = new ArrayList<>(acl.size());
        for (Acl entry : acl) {
            if (DIGEST.equals(entry.id().scheme())) {
                masked.add(new Acl(entry.perms(), new Id(DIGEST, entry.id().id().replaceAll(":.*", ":x"))));
            } else {
                masked.add(entry);
            }
        }
        return masked;
    }

    private static boolean isValidIpExpression(String expression) {
        String[] parts = expression.split("/", 2);
        byte[] address = ipv4(parts[0]);
        if (address == null) {
            return false;
        }
        if (parts.length == 2) {
            try {
                int bits = Integer.parseInt(parts[1]);
                return bits >= 0 && bits <= 32;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    private static boolean ipMatches(String remote, String expression) {
        String[] parts = expression.split("/", 2);
        byte[] aclAddress = ipv4(parts[0]);
        byte[] remoteAddress = ipv4(remote);
        if (aclAddress == null || remoteAddress == null) {
            return false;
        }
        int bits = 32;
        if (parts.length == 2) {
            try {
                bits = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                return false;
            }
            if (bits < 0 || bits > 32) {
                return false;
            }
        }
        for (int i = 0; i < 4; i++) {
            int maskBits = Math.max(0, Math.min(8, bits - 8 * i));
            int mask = maskBits == 0 ? 0 : (0xff << (8 - maskBits)) & 0xff;
            if ((aclAddress[i] & mask) != (remoteAddress[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            try {
                int value = Integer.parseInt(parts[i]);
                if (value < 0 || value > 255 || parts[i].isEmpty()) {
                    return null;
                }
                address[i] = (byte) value;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return address;
    }
}
