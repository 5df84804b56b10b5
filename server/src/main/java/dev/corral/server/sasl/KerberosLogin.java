package dev.corral.server.sasl;

import java.io.IOException;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.kerberos.KerberosTicket;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JAAS login of one section of the JAAS file, for the sections that log in with Kerberos
 * ({@code com.sun.security.auth.module.Krb5LoginModule} with a keytab and principal), and its renewal, as ZooKeeper
 * 3.9.5's Login class does them: the JDK's LoginContext runs the section's login modules at start, and when the
 * login holds a ticket-granting ticket a relogin is scheduled at 80% of the ticket's life plus up to 5% jitter, no
 * sooner than {@code zookeeper.kerberos.minReLoginTimeMs} (default one minute) after the last login, and at once if
 * the ticket ends before that. A failed relogin is tried again a minimum interval later; the old credentials stay
 * in use meanwhile.
 *
 * <p>ZooKeeper's DigestLoginModule entries of the section are left out: they only copy a user name and password
 * into the Subject, and the class is not on Corral's class path. Whether the Subject then holds a principal decides
 * the mechanism, as in ZooKeeper (SecurityUtils#createSaslServer): GSSAPI with one, DIGEST-MD5 without.
 *
 * <p>Where Corral differs: a relogin logs in into a new Subject and then swaps it in, where ZooKeeper logs out and
 * in again on the same one, so that an exchange starting meanwhile never sees a Subject without credentials. Runs
 * of {@code kinit -R} for ticket caches (ZooKeeper's {@code zookeeper.kinit}) are not made: a ticket-cache login is
 * simply logged in again. Thread-safe: the Subject is read by any thread, relogins run on one thread of their own.
 */
public final class KerberosLogin implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KerberosLogin.class);
    /** ZooKeeper's Login.MIN_TIME_BEFORE_RELOGIN_CONFIG_KEY. */
    public static final String MIN_RELOGIN_PROPERTY = "zookeeper.kerberos.minReLoginTimeMs";
    public static final long MIN_RELOGIN_DEFAULT_MS = 60_000;
    private static final double RENEW_WINDOW = 0.80;
    private static final double RENEW_JITTER = 0.05;

    private final String section;
    private final String location;
    private final Configuration configuration;
    private final long minReloginMs;
    private final AtomicInteger relogins = new AtomicInteger();
    private final ScheduledExecutorService scheduler;
    // Replaced whole by a relogin; the context that logged it in is kept with it to log it out.
    private volatile Subject subject;
    private LoginContext context; // guarded by this
    private long lastLoginMs; // guarded by this

    private KerberosLogin(String section, String location, Configuration configuration, long minReloginMs,
            LoginContext context) {
        this.section = section;
        this.location = location;
        this.configuration = configuration;
        this.minReloginMs = minReloginMs;
        this.context = context;
        this.subject = context.getSubject();
        this.lastLoginMs = System.currentTimeMillis();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "corral-kerberos-relogin-" + section);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Logs in with the entries of section {@code section} other than ZooKeeper's DigestLoginModule, and starts
     * renewing the login if it holds a ticket-granting ticket.
     *
     * @param location where the JAAS file is, for messages
     * @param minReloginMs the least time between two logins ({@link #MIN_RELOGIN_PROPERTY})
     * @throws IOException naming the section and the file if the login fails (a wrong keytab or principal, an
     *     unreachable KDC, a login module that cannot be loaded), as ZooKeeper's start fails then
     */
    public static KerberosLogin login(String section, AppConfigurationEntry[] entries, String location, long minReloginMs)
            throws IOException {
        AppConfigurationEntry[] kept = Arrays.stream(entries)
                .filter(entry -> !entry.getLoginModuleName().equals(JaasFile.DIGEST_LOGIN_MODULE))
                .toArray(AppConfigurationEntry[]::new);
        Configuration configuration = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return name.equals(section) ? kept.clone() : null;
            }
        };
        KerberosLogin login;
        try {
            login = new KerberosLogin(section, location, configuration, minReloginMs, loginContext(section, configuration));
        } catch (LoginException e) {
            throw new IOException("The JAAS login of section '" + section + "' in " + location + " failed: " + e.getMessage(), e);
        }
        login.scheduleRelogin();
        return login;
    }

    private static LoginContext loginContext(String section, Configuration configuration) throws LoginException {
        LoginContext context = new LoginContext(section, new Subject(), NO_CALLBACKS, configuration);
        context.login();
        return context;
    }

    /** A login module that asks for anything (a password without a keytab, say) fails: nobody is there to answer. */
    private static final CallbackHandler NO_CALLBACKS = (Callback[] callbacks) -> {
        throw new UnsupportedCallbackException(callbacks[0], "no one to answer a login callback: configure a keyTab");
    };

    /** The logged-in Subject: its principals, keys and tickets. */
    public Subject subject() {
        return subject;
    }

    /** The Subject's first principal's name (ZooKeeper's choice when it has several), or null if it has none. */
    public String principal() {
        return subject.getPrincipals().stream().findFirst().map(java.security.Principal::getName).orElse(null);
    }

    /** Runs {@code action} as the logged-in Subject, for the JDK's GSSAPI mechanism to find its credentials. */
    @SuppressWarnings("removal")
    public <T> T doAs(PrivilegedExceptionAction<T> action) throws Exception {
        try {
            return Subject.doAs(subject, action);
        } catch (PrivilegedActionException e) {
            throw e.getException();
        }
    }

    /**
     * {@link #MIN_RELOGIN_PROPERTY} of the system properties, or its default.
     *
     * @throws IOException if it is not a number
     */
    public static long minReloginMs(java.util.Properties system) throws IOException {
        String value = system.getProperty(MIN_RELOGIN_PROPERTY);
        try {
            return value == null ? MIN_RELOGIN_DEFAULT_MS : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IOException(MIN_RELOGIN_PROPERTY + " must be a number of milliseconds, got '" + value + "'");
        }
    }

    /** How many relogins have succeeded. */
    public int relogins() {
        return relogins.get();
    }

    private void scheduleRelogin() {
        KerberosTicket tgt = ticketGrantingTicket(subject);
        if (tgt == null) {
            return;
        }
        long now = System.currentTimeMillis();
        long last;
        synchronized (this) {
            last = lastLoginMs;
        }
        long at = nextReloginMs(tgt.getStartTime().getTime(), tgt.getEndTime().getTime(), now, last, minReloginMs,
                ThreadLocalRandom.current().nextDouble());
        LOG.info("Kerberos login of '{}' as {}: ticket valid until {}; relogin at {}", section, principal(), tgt.getEndTime(),
                new java.util.Date(at));
        schedule(at - now);
    }

    private void schedule(long delayMs) {
        try {
            scheduler.schedule(this::relogin, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closed meanwhile.
        }
    }

    /**
     * When to log in again, given the ticket's start and end and the last login: ZooKeeper's Login#getRefreshTime
     * and the checks around it, with {@code jitter} in [0, 1).
     */
    static long nextReloginMs(long startMs, long endMs, long nowMs, long lastLoginMs, long minReloginMs, double jitter) {
        long proposed = startMs + (long) ((endMs - startMs) * (RENEW_WINDOW + RENEW_JITTER * jitter));
        long at = proposed > endMs || nowMs + minReloginMs > endMs ? nowMs : Math.max(proposed, nowMs + minReloginMs);
        return Math.max(at, lastLoginMs + minReloginMs);
    }

    /** Logs in again into a new Subject and swaps it in; on failure keeps the old one and tries again later. */
    void relogin() {
        LoginContext fresh;
        synchronized (this) {
            lastLoginMs = System.currentTimeMillis();
        }
        try {
            fresh = loginContext(section, configuration);
        } catch (LoginException e) {
            LOG.error("Kerberos relogin of section '{}' in {} failed; trying again in {} ms: {}", section, location,
                    minReloginMs, e.getMessage());
            schedule(minReloginMs);
            return;
        }
        LoginContext old;
        synchronized (this) {
            old = context;
            context = fresh;
            subject = fresh.getSubject();
        }
        relogins.incrementAndGet();
        try {
            old.logout();
        } catch (LoginException e) {
            LOG.warn("Logging out the previous Kerberos login of '{}' failed: {}", section, e.getMessage());
        }
        scheduleRelogin();
    }

    /** The Subject's ticket-granting ticket (krbtgt/REALM@REALM), or null: ZooKeeper's Login#getTGT. */
    static KerberosTicket ticketGrantingTicket(Subject subject) {
        for (KerberosTicket ticket : subject.getPrivateCredentials(KerberosTicket.class)) {
            KerberosPrincipal server = ticket.getServer();
            if (server.getName().equals("krbtgt/" + server.getRealm() + "@" + server.getRealm())) {
                return ticket;
            }
        }
        return null;
    }

    /** The realm of the Kerberos configuration's default_realm, or "" without one (ZooKeeper's KerberosName). */
    public static String defaultRealm() {
        try {
            return new KerberosPrincipal("tmp", KerberosPrincipal.KRB_NT_PRINCIPAL).getRealm();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    @Override
    public String toString() {
        return "Kerberos login of '" + section + "' in " + location + " as " + principal();
    }
}
