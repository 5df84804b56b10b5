package dev.corral.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.wire.Acl;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Id;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.server.PrepRequestProcessor;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.apache.zookeeper.server.auth.IPAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ACL checks and normalisation. Where ZooKeeper 3.9.5 has a callable piece (the ip scheme's matcher,
 * {@code PrepRequestProcessor.fixupACL}, {@code DigestAuthenticationProvider.generateDigest}) each row is
 * also checked against it, so the expectations are ZooKeeper's.
 */
class AclsTest {
    private static final String BOB = Acls.digest("bob:secret");
    private static final String ALICE = Acls.digest("alice:pw");
    private static final Id IP = new Id("ip", "127.0.0.1");
    private static final List<Id> IP_ONLY = List.of(IP);
    private static final List<Id> AS_BOB = List.of(IP, new Id("digest", BOB));
    private static final List<Id> AS_ALICE = List.of(IP, new Id("digest", ALICE));
    private static final List<Id> AS_SUPER = List.of(IP, new Id("super", ""));

    private static Acl world(int perms) {
        return new Acl(perms, Id.ANYONE);
    }

    private static Acl digest(int perms, String id) {
        return new Acl(perms, new Id("digest", id));
    }

    private static Acl ip(int perms, String expression) {
        return new Acl(perms, new Id("ip", expression));
    }

    record CheckCase(String name, List<Acl> acl, int perm, List<Id> auth, boolean allowed) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<CheckCase> checkCases() {
        final int read = Acl.READ;
        final int admin = Acl.ADMIN;
        return List.of(
                // world:anyone, and the empty ACL.
                new CheckCase("world:anyone grants its perms to everyone", List.of(world(read)), read, IP_ONLY, true),
                new CheckCase("world:anyone does not grant perms it lacks", List.of(world(read)), Acl.WRITE, IP_ONLY, false),
                new CheckCase("world with another id grants nothing", List.of(new Acl(Acl.ALL, new Id("world", "someone"))),
                        read, IP_ONLY, false),
                new CheckCase("an empty ACL allows everything", List.of(), admin, IP_ONLY, true),
                // digest: the stored "user:base64(sha1)" must equal the session's identity.
                new CheckCase("digest entry matches the same digest identity", List.of(digest(Acl.ALL, BOB)), read, AS_BOB, true),
                new CheckCase("digest entry does not match another user", List.of(digest(Acl.ALL, BOB)), read, AS_ALICE, false),
                new CheckCase("digest entry does not match a session without digest auth", List.of(digest(Acl.ALL, BOB)), read,
                        IP_ONLY, false),
                new CheckCase("schemes must match: an ip identity never matches a digest entry of the same text",
                        List.of(digest(Acl.ALL, "127.0.0.1")), read, IP_ONLY, false),
                // ip: the connection's address against an address with an optional mask.
                new CheckCase("ip entry with a /8 mask matches an address inside it", List.of(ip(read, "10.0.0.0/8")), read,
                        List.of(new Id("ip", "10.200.3.4")), true),
                new CheckCase("ip entry with a /8 mask rejects an address outside it", List.of(ip(read, "10.0.0.0/8")), read,
                        List.of(new Id("ip", "11.0.0.1")), false),
                // super: passes every check.
                new CheckCase("super passes an ACL that grants nothing to it", List.of(digest(read, BOB)), admin, AS_SUPER, true),
                new CheckCase("super passes an ACL of entries without perms", List.of(world(0)), admin, AS_SUPER, true),
                // A combined perm passes if an entry grants any one of its bits (ZooKeeper: perms & perm != 0).
                new CheckCase("READ|ADMIN passes with READ alone", List.of(world(read)), read | admin, IP_ONLY, true),
                new CheckCase("READ|ADMIN passes with ADMIN alone", List.of(world(admin)), read | admin, IP_ONLY, true),
                new CheckCase("READ|ADMIN fails with WRITE|CREATE", List.of(world(Acl.WRITE | Acl.CREATE)), read | admin,
                        IP_ONLY, false),
                // Entries are independent: the perm and the identity must meet in one entry.
                new CheckCase("ADMIN granted to bob does not pass for an anonymous session",
                        List.of(world(read), digest(admin, BOB)), admin, IP_ONLY, false),
                new CheckCase("ADMIN granted to bob passes for bob", List.of(world(read), digest(admin, BOB)), admin, AS_BOB, true),
                new CheckCase("READ granted to anyone does not give bob ADMIN", List.of(world(read), digest(Acl.WRITE, BOB)),
                        admin, AS_BOB, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkCases")
    void isAllowedGrantsExactlyWhatZooKeeperGrants(CheckCase row) {
        assertThat(Acls.isAllowed(row.acl(), row.perm(), row.auth())).isEqualTo(row.allowed());
    }

    @Test
    void checkThrowsNoAuthNamingThePath() {
        assertThatThrownBy(() -> Acls.check(List.of(world(Acl.READ)), Acl.WRITE, IP_ONLY, "/locked"))
                .isInstanceOfSatisfying(KeeperError.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOAUTH))
                .hasMessageContaining("/locked");
    }

    record IpCase(String remote, String expression, boolean matches) {
        @Override
        public String toString() {
            return remote + (matches ? " in " : " not in ") + expression;
        }
    }

    static List<IpCase> ipCases() {
        return List.of(
                // Without a mask the address must be equal.
                new IpCase("10.1.2.3", "10.1.2.3", true),
                new IpCase("10.1.2.4", "10.1.2.3", false),
                // Masks on octet boundaries.
                new IpCase("10.200.3.4", "10.0.0.0/8", true),
                new IpCase("11.0.0.1", "10.0.0.0/8", false),
                new IpCase("192.168.1.77", "192.168.1.0/24", true),
                new IpCase("192.168.2.1", "192.168.1.0/24", false),
                new IpCase("10.0.0.1", "10.0.0.1/32", true),
                new IpCase("10.0.0.2", "10.0.0.1/32", false),
                new IpCase("8.8.8.8", "0.0.0.0/0", true),
                // Masks inside an octet.
                new IpCase("172.31.255.255", "172.16.0.0/12", true),
                new IpCase("172.32.0.1", "172.16.0.0/12", false),
                new IpCase("172.15.255.255", "172.16.0.0/12", false),
                // Host bits set in the entry are masked off too.
                new IpCase("10.9.9.9", "10.1.2.3/8", true),
                // Malformed entries match nothing.
                new IpCase("10.0.0.1", "10.0.0.0/33", false),
                new IpCase("10.0.0.1", "10.0.0.0/-1", false),
                new IpCase("10.0.0.1", "10.0.0.0/x", false),
                new IpCase("10.0.0.1", "10.0.0", false),
                new IpCase("10.0.0.1", "256.0.0.1", false),
                new IpCase("10.0.0.1", "localhost", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ipCases")
    void ipSchemeMatchesAsZooKeepersIpAuthenticationProvider(IpCase row) {
        boolean ours = Acls.isAllowed(List.of(ip(Acl.READ, row.expression())), Acl.READ, List.of(new Id("ip", row.remote())));
        boolean theirs = new IPAuthenticationProvider().matches(row.remote(), row.expression());

        assertThat(ours).isEqualTo(row.matches());
        assertThat(theirs).as("ZooKeeper's IPAuthenticationProvider").isEqualTo(row.matches());
    }

    record FixupCase(String name, List<Acl> acl, List<Id> auth, List<Acl> expected) {
        static final List<Acl> INVALID = null;

        @Override
        public String toString() {
            return name;
        }
    }

    static List<FixupCase> fixupCases() {
        final int all = Acl.ALL;
        final List<Acl> invalid = FixupCase.INVALID;
        return List.of(
                // Kept as given, duplicates removed, order kept.
                new FixupCase("world:anyone is kept", List.of(world(all)), IP_ONLY, List.of(world(all))),
                new FixupCase("exact duplicates are removed", List.of(world(all), world(all)), IP_ONLY, List.of(world(all))),
                new FixupCase("same id with other perms is another entry", List.of(world(Acl.READ), world(all)), IP_ONLY,
                        List.of(world(Acl.READ), world(all))),
                new FixupCase("valid digest and ip ids are kept in order", List.of(ip(Acl.READ, "10.0.0.0/8"), digest(all, BOB)),
                        IP_ONLY, List.of(ip(Acl.READ, "10.0.0.0/8"), digest(all, BOB))),
                // "auth" stands for the session's authenticated (digest) identities.
                new FixupCase("auth becomes the session's digest identity", List.of(new Acl(all, Id.AUTH_IDS)), AS_BOB,
                        List.of(digest(all, BOB))),
                new FixupCase("auth becomes every digest identity of the session", List.of(new Acl(Acl.READ, Id.AUTH_IDS)),
                        List.of(IP, new Id("digest", BOB), new Id("digest", ALICE)),
                        List.of(digest(Acl.READ, BOB), digest(Acl.READ, ALICE))),
                new FixupCase("the id text of an auth entry is ignored", List.of(new Acl(all, new Id("auth", "whoever"))), AS_BOB,
                        List.of(digest(all, BOB))),
                new FixupCase("a null id text of an auth entry is ignored (kazoo writes make_acl(\"auth\", \"\") so)",
                        List.of(new Acl(all, new Id("auth", null))), AS_BOB, List.of(digest(all, BOB))),
                new FixupCase("auth on a session with only its ip identity", List.of(new Acl(all, Id.AUTH_IDS)), IP_ONLY, invalid),
                new FixupCase("auth on a session with only the super identity", List.of(new Acl(all, Id.AUTH_IDS)), AS_SUPER,
                        invalid),
                // Rejected lists and entries.
                new FixupCase("empty ACL", List.of(), IP_ONLY, invalid),
                new FixupCase("null ACL", null, IP_ONLY, invalid),
                new FixupCase("entry without an id", Arrays.asList(new Acl(all, null)), IP_ONLY, invalid),
                new FixupCase("digest id without a password", List.of(digest(all, "bob")), IP_ONLY, invalid),
                new FixupCase("digest id with two colons", List.of(digest(all, "bob:a:b")), IP_ONLY, invalid),
                new FixupCase("ip id with a 33-bit mask", List.of(ip(all, "10.0.0.0/33")), IP_ONLY, invalid),
                new FixupCase("ip id with three octets", List.of(ip(all, "10.0.0")), IP_ONLY, invalid),
                new FixupCase("ip id with an octet above 255", List.of(ip(all, "256.1.1.1")), IP_ONLY, invalid),
                new FixupCase("unknown scheme", List.of(new Acl(all, new Id("foo", "bar"))), IP_ONLY, invalid),
                new FixupCase("world with an id other than anyone", List.of(new Acl(all, new Id("world", "nobody"))), IP_ONLY,
                        invalid),
                new FixupCase("super scheme in an ACL", List.of(new Acl(all, new Id("super", ""))), IP_ONLY, invalid),
                new FixupCase("one bad entry spoils the list", List.of(world(all), digest(all, "bob")), IP_ONLY, invalid));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixupCases")
    void fixupStoresOrRejectsAsZooKeepersFixupAcl(FixupCase row) {
        List<Acl> ours;
        int ourCode = ErrorCode.OK;
        try {
            ours = Acls.fixup(row.acl(), row.auth(), "/node");
        } catch (KeeperError e) {
            ours = null;
            ourCode = e.code();
        }
        List<Acl> theirs;
        try {
            theirs = fromZooKeeper(PrepRequestProcessor.fixupACL("/node", toZooKeeperIds(row.auth()), toZooKeeper(row.acl())));
        } catch (KeeperException.InvalidACLException e) {
            theirs = null;
        }

        if (row.expected() == FixupCase.INVALID) {
            assertThat(ourCode).isEqualTo(ErrorCode.INVALIDACL);
        } else {
            assertThat(ours).isEqualTo(row.expected());
        }
        assertThat(theirs).as("ZooKeeper's fixupACL").isEqualTo(row.expected());
    }

    record NullIdCase(String name, List<Acl> acl, int code) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * ACL entries whose id text is null, as kazoo sends {@code Id(scheme, "")} (it writes an empty string
     * as a null one). ZooKeeper's fixupACL dereferences the id of world, digest and ip entries, and
     * PrepRequestProcessor answers the NullPointerException with MARSHALLINGERROR; an unknown scheme is
     * rejected before its id is looked at; an auth entry's id is never looked at.
     */
    static List<NullIdCase> nullIdCases() {
        final int all = Acl.ALL;
        return List.of(
                new NullIdCase("world with a null id", List.of(new Acl(all, new Id("world", null))), ErrorCode.MARSHALLINGERROR),
                new NullIdCase("digest with a null id", List.of(new Acl(all, new Id("digest", null))), ErrorCode.MARSHALLINGERROR),
                new NullIdCase("ip with a null id", List.of(new Acl(all, new Id("ip", null))), ErrorCode.MARSHALLINGERROR),
                new NullIdCase("unknown scheme with a null id", List.of(new Acl(all, new Id("foo", null))), ErrorCode.INVALIDACL),
                new NullIdCase("a bad entry before a null id decides", List.of(new Acl(Acl.READ, new Id("foo", "x")),
                        new Acl(all, new Id("digest", null))), ErrorCode.INVALIDACL),
                new NullIdCase("a null id before a bad entry decides", List.of(new Acl(Acl.READ, new Id("digest", null)),
                        new Acl(all, new Id("foo", "x"))), ErrorCode.MARSHALLINGERROR),
                new NullIdCase("auth with a null id", List.of(new Acl(all, new Id("auth", null))), ErrorCode.OK));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nullIdCases")
    void nullIdsAreAnsweredAsZooKeeperAnswersThem(NullIdCase row) {
        int ours = ErrorCode.OK;
        try {
            Acls.fixup(row.acl(), AS_BOB, "/node");
        } catch (KeeperError e) {
            ours = e.code();
        }
        int theirs = ErrorCode.OK;
        try {
            PrepRequestProcessor.fixupACL("/node", toZooKeeperIds(AS_BOB), toZooKeeper(row.acl()));
        } catch (KeeperException.InvalidACLException e) {
            theirs = ErrorCode.INVALIDACL;
        } catch (NullPointerException e) {
            theirs = ErrorCode.MARSHALLINGERROR; // PrepRequestProcessor#pRequestHelper's catch (Exception e)
        }

        assertThat(theirs).as("ZooKeeper's fixupACL").isEqualTo(row.code());
        assertThat(ours).isEqualTo(row.code());
    }

    @Test
    void authEntryExpandingToAnIdAlreadyListedKeepsBothEntriesAsZooKeeperDoes() throws Exception {
        List<Acl> acl = List.of(new Acl(Acl.ALL, Id.AUTH_IDS), digest(Acl.ALL, BOB));

        List<Acl> ours = Acls.fixup(acl, AS_BOB, "/node");
        List<Acl> theirs = fromZooKeeper(PrepRequestProcessor.fixupACL("/node", toZooKeeperIds(AS_BOB), toZooKeeper(acl)));

        assertThat(theirs).containsExactly(digest(Acl.ALL, BOB), digest(Acl.ALL, BOB));
        assertThat(ours).isEqualTo(theirs);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bob:secret", "super:adminpw", "user:", ":nopassword", "u:p:with:colons", "\u00fcn\u00ef:c\u00f8d\u00e9",
            "no-colon", ""})
    void digestIsWhatZooKeepersGenerateDigestProduces(String userColonPassword) throws Exception {
        assertThat(Acls.digest(userColonPassword))
                .isEqualTo(DigestAuthenticationProvider.generateDigest(userColonPassword));
    }

    @Test
    void digestIsUserColonBase64OfSha1OfTheWholeString() {
        // Computed once with ZooKeeper 3.9.5: DigestAuthenticationProvider.generateDigest("bob:secret").
        assertThat(Acls.digest("bob:secret")).isEqualTo("bob:fyVmFCwVbTJYrznoSu1koqYEYF0=");
    }

    private static List<org.apache.zookeeper.data.ACL> toZooKeeper(List<Acl> acl) {
        if (acl == null) {
            return null;
        }
        List<org.apache.zookeeper.data.ACL> result = new ArrayList<>();
        for (Acl entry : acl) {
            Id id = entry.id();
            result.add(new org.apache.zookeeper.data.ACL(entry.perms(),
                    id == null ? null : new org.apache.zookeeper.data.Id(id.scheme(), id.id())));
        }
        return result;
    }

    private static List<org.apache.zookeeper.data.Id> toZooKeeperIds(List<Id> ids) {
        List<org.apache.zookeeper.data.Id> result = new ArrayList<>();
        for (Id id : ids) {
            result.add(new org.apache.zookeeper.data.Id(id.scheme(), id.id()));
        }
        return result;
    }

    private static List<Acl> fromZooKeeper(List<org.apache.zookeeper.data.ACL> acl) {
        List<Acl> result = new ArrayList<>();
        for (org.apache.zookeeper.data.ACL entry : acl) {
            result.add(new Acl(entry.getPerms(), new Id(entry.getId().getScheme(), entry.getId().getId())));
        }
        return result;
    }
}
