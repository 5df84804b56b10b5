package dev.corral.testkit;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kerby.kerberos.kerb.KrbException;
import org.apache.kerby.kerberos.kerb.server.KdcConfigKey;
import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;

/**
 * A Kerberos KDC in the test's JVM (Apache Kerby's SimpleKdcServer, as ZooKeeper's own MiniKdc), on a free loopback
 * TCP port, realm {@link #REALM}, with its krb5.conf and the keytabs it exports in a directory of the test's. Its
 * krb5.conf names a {@link TcpProxy} in front of the KDC, so that a test can count who asks the KDC for tickets and
 * make the KDC unreachable ({@link #cut}).
 *
 * <p>Kerberos configuration is global to a JVM: starting a KDC sets {@code java.security.krb5.conf} (Kerby does), and
 * the JDK reads that file once, at its first Kerberos use. So every KDC of one JVM is reached through the same proxy,
 * which each new KDC retargets, and every krb5.conf is the same text; still, a Kerberos use before the first KDC
 * (with no krb5.conf) would be cached too, so the suites run the classes that start one (named {@code *Kerberos*}) in
 * a surefire execution that forks a JVM per class, as ZooKeeper's build forks one per test class. Server processes
 * a test starts are given the file with {@code -Djava.security.krb5.conf}.
 */
public final class TestKdc implements AutoCloseable {
    public static final String REALM = "EXAMPLE.COM";
    private static final int ATTEMPTS_MAX = 5;
    // The one proxy every KDC of this JVM is reached through, the port the JDK's cached krb5.conf names.
    private static TcpProxy proxy; // guarded by TestKdc.class

    private final SimpleKdcServer kdc;
    private final Path directory;

    private TestKdc(SimpleKdcServer kdc, Path directory) {
        this.kdc = kdc;
        this.directory = directory;
    }

    /**
     * Starts a KDC whose tickets live at most {@code ticketLifetime}, writing krb5.conf (TCP only) into
     * {@code directory}; retried on a new port when the chosen one is taken meanwhile.
     */
    public static synchronized TestKdc start(Path directory, Duration ticketLifetime) throws IOException {
        Files.createDirectories(directory);
        KrbException last = null;
        for (int attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
            int port = Ports.freeLoopbackPort();
            try {
                SimpleKdcServer kdc = new SimpleKdcServer();
                kdc.setWorkDir(directory.toFile());
                kdc.setKdcHost("localhost");
                kdc.setKdcRealm(REALM);
                kdc.setKdcTcpPort(port);
                kdc.setAllowUdp(false);
                kdc.getKdcConfig().setLong(KdcConfigKey.MINIMUM_TICKET_LIFETIME, Math.min(ticketLifetime.toSeconds(), 60));
                kdc.getKdcConfig().setLong(KdcConfigKey.MAXIMUM_TICKET_LIFETIME, ticketLifetime.toSeconds());
                kdc.init();
                kdc.start();
                if (proxy == null) {
                    proxy = TcpProxy.start(port);
                }
                proxy.retarget(port);
                proxy.restore();
                // In place of the one Kerby wrote (and named in java.security.krb5.conf): TCP to the proxy only.
                Files.writeString(directory.resolve("krb5.conf"), """
                        [libdefaults]
                            default_realm = %s
                            udp_preference_limit = 1
                            dns_lookup_kdc = false
                            dns_lookup_realm = false
                        [realms]
                            %s = {
                                kdc = 127.0.0.1:%d
                            }
                        """.formatted(REALM, REALM, proxy.port()));
                return new TestKdc(kdc, directory);
            } catch (KrbException e) {
                if (!(rootCause(e) instanceof BindException)) {
                    throw new IOException("the test KDC did not start: " + e.getMessage(), e);
                }
                last = e;
            }
        }
        throw new IOException("the test KDC found no free port in " + ATTEMPTS_MAX + " attempts", last);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The krb5.conf naming this KDC, for other processes' {@code -Djava.security.krb5.conf}. */
    public Path krb5Conf() {
        return directory.resolve("krb5.conf");
    }

    /** Connections made to the KDC so far: each ticket request opens one. */
    public int connections() {
        synchronized (TestKdc.class) {
            return proxy.accepted();
        }
    }

    /** The KDC is unreachable until {@link #restore}: every connection to it is closed at once. */
    public void cut() {
        synchronized (TestKdc.class) {
            proxy.cut();
        }
    }

    public void restore() {
        synchronized (TestKdc.class) {
            proxy.restore();
        }
    }

    /**
     * Creates {@code principal} (without realm, e.g. "zookeeper/localhost" or "alice") with a random key and exports
     * its keys to a keytab of its own in the KDC's directory.
     *
     * @return the keytab
     */
    public Path keytab(String principal) throws IOException {
        return keytab(principal.replace('/', '_') + ".keytab", principal);
    }

    /**
     * Creates each of {@code principals} (without realm) with a random key and exports all their keys to one keytab,
     * {@code fileName} in the KDC's directory.
     */
    public Path keytab(String fileName, String... principals) throws IOException {
        Path keytab = directory.resolve(fileName);
        try {
            for (String principal : principals) {
                kdc.createPrincipal(principal + "@" + REALM);
                kdc.exportPrincipal(principal + "@" + REALM, keytab.toFile());
            }
        } catch (KrbException e) {
            throw new IOException("cannot create principals " + String.join(", ", principals) + ": " + e.getMessage(), e);
        }
        return keytab;
    }

    /**
     * A JAAS section that logs in as {@code principal} from {@code keytab} with the JDK's Krb5LoginModule, as
     * ZooKeeper's documentation writes it.
     */
    public static String jaasSection(String name, String principal, Path keytab) {
        return name + " {\n"
                + "  com.sun.security.auth.module.Krb5LoginModule required\n"
                + "  useKeyTab=true\n"
                + "  keyTab=\"" + keytab + "\"\n"
                + "  storeKey=true\n"
                + "  useTicketCache=false\n"
                + "  principal=\"" + principal + "\";\n"
                + "};\n";
    }

    @Override
    public void close() {
        try {
            kdc.stop();
        } catch (KrbException e) {
            throw new IllegalStateException("the test KDC did not stop: " + e.getMessage(), e);
        }
    }
}
