package dev.corral.compat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Records what a client suite ran and how it ended, for the README's compatibility table: registered on a
 * client test class ({@code @RegisterExtension static final CompatResults results = new CompatResults(...)}),
 * it counts the class's tests that passed and failed, and after the class writes
 * {@code target/compat-results/<target>/<TestClass>.properties} (keys: class, client, version, what, target,
 * passed, failed). {@code compat/render-compat-table.py} turns the files of both targets into the table.
 *
 * <p>Test methods are counted through {@link TestWatcher}; the dynamic tests of a client program (kazoo,
 * C, Go, Node.js), which JUnit reports to no watcher, are counted by {@link ClientProgram} through
 * {@link #recordDynamic}. A {@code @TestFactory} method itself is not counted: its dynamic tests are.
 *
 * <p>Invariant: at most one class is active at a time (the compat module runs its classes one after another);
 * {@link #recordDynamic} outside an active class is ignored.
 */
final class CompatResults implements BeforeAllCallback, TestWatcher, AfterAllCallback {

    private static volatile CompatResults active;

    private final String client;
    private final String what;
    private final Supplier<String> version;
    private final AtomicInteger passed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    /**
     * @param client  the client's name as the table shows it
     * @param what    what the class runs, in a few words
     * @param version the client's version, found when the class ends (a toolchain may be missing before)
     */
    CompatResults(String client, String what, Supplier<String> version) {
        this.client = client;
        this.what = what;
        this.version = version;
    }

    /** Counts one dynamic test of the class that is running now. */
    static void recordDynamic(boolean success) {
        CompatResults results = active;
        if (results != null) {
            (success ? results.passed : results.failed).incrementAndGet();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        passed.set(0);
        failed.set(0);
        active = this;
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        if (!isFactory(context)) {
            passed.incrementAndGet();
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (!isFactory(context)) {
            failed.incrementAndGet();
        }
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        failed.incrementAndGet(); // nothing may be skipped silently
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        failed.incrementAndGet();
    }

    private static boolean isFactory(ExtensionContext context) {
        return context.getTestMethod().map(method -> method.isAnnotationPresent(TestFactory.class)).orElse(false);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        active = null;
        String testClass = context.getRequiredTestClass().getSimpleName();
        String target = CompatRun.target().name().toLowerCase(Locale.ROOT);
        // The ensemble execution runs the same classes again: its counts go beside, not over, the table's.
        Path directory = Path.of("target", "compat-results", CompatRun.ensembles() ? target + "-ensemble" : target);
        Files.createDirectories(directory);
        Properties properties = new Properties();
        properties.setProperty("class", testClass);
        properties.setProperty("client", client);
        properties.setProperty("version", versionOrUnknown());
        properties.setProperty("what", what);
        properties.setProperty("target", target);
        properties.setProperty("passed", Integer.toString(passed.get()));
        properties.setProperty("failed", Integer.toString(failed.get()));
        try (Writer out = Files.newBufferedWriter(directory.resolve(testClass + ".properties"), StandardCharsets.UTF_8)) {
            properties.store(out, "written by CompatResults for the README's compatibility table");
        }
    }

    private String versionOrUnknown() {
        try {
            String found = version.get();
            return found == null || found.isBlank() ? "unknown" : found;
        } catch (RuntimeException | AssertionError e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    // ---- versions of the clients, for the suites' suppliers

    /** The version of an installed Debian package, or null. */
    static String debianVersion(String debianPackage) {
        return Toolchain.probe(List.of("dpkg-query", "-W", "-f", "${Version}", debianPackage));
    }

    /** The version of an npm package as compat/src/test/node/package-lock.json locks it, or null. */
    static String npmLockedVersion(String npmPackage) {
        try {
            String lock = Files.readString(Path.of("src/test/node/package-lock.json"));
            Matcher matcher = Pattern.compile("\"node_modules/" + Pattern.quote(npmPackage)
                    + "\":\\s*\\{[^}]*?\"version\":\\s*\"([^\"]+)\"").matcher(lock);
            return matcher.find() ? matcher.group(1) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The version in a Maven artifact's pom.properties on this classpath, or null. */
    static String mavenVersion(String groupId, String artifactId) {
        String resource = "/META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        try (InputStream in = CompatResults.class.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
