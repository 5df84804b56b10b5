package dev.corral.sim;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Random;
import java.util.Timer;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deterministic core ({@code wire}, {@code tree}, {@code zab}, {@code node}) and the simulator that
 * runs it ({@code sim}) use no thread, lock, executor, socket, file, clock or unseeded randomness
 * (DESIGN.md), so that the simulator can run the core and replay any run from its seed. Production classes are imported from the built classes and jars on this
 * module's test classpath; each rule is also shown to catch a class that breaks it, so no rule can pass
 * by matching nothing. {@code synchronized} is not visible to ArchUnit and is not checked here.
 */
class BannedApiTest {
    private static final String[] CORE = {"dev.corral.wire..", "dev.corral.tree..", "dev.corral.zab..", "dev.corral.node..",
        "dev.corral.sim.."};

    private static JavaClasses production;
    private static JavaClasses offender;
    private static JavaClasses seeded;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.corral.wire", "dev.corral.tree", "dev.corral.zab", "dev.corral.node", "dev.corral.sim");
        offender = new ClassFileImporter().importClasses(Offender.class);
        seeded = new ClassFileImporter().importClasses(SeededRandomUser.class);
    }

    record Rule(String name, ArchRule rule) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static DescribedPredicate<JavaMethodCall> javaTimeNow() {
        return DescribedPredicate.describe("a now() factory of java.time",
                call -> call.getTargetOwner().getPackageName().equals("java.time") && call.getName().equals("now"));
    }

    static List<Rule> rules() {
        return List.of(
                // Threads, locks, executors and concurrent collections.
                new Rule("no Thread", noClasses().that().resideInAnyPackage(CORE)
                        .should().dependOnClassesThat().belongToAnyOf(Thread.class, ThreadGroup.class, Timer.class)),
                new Rule("no java.util.concurrent", noClasses().that().resideInAnyPackage(CORE)
                        .should().dependOnClassesThat().resideInAPackage("java.util.concurrent..")),
                // Sockets and files.
                new Rule("no java.net", noClasses().that().resideInAnyPackage(CORE)
                        .should().dependOnClassesThat().resideInAPackage("java.net..")),
                new Rule("no java.nio.channels", noClasses().that().resideInAnyPackage(CORE)
                        .should().dependOnClassesThat().resideInAPackage("java.nio.channels..")),
                new Rule("no java.nio.file", noClasses().that().resideInAnyPackage(CORE)
                        .should().dependOnClassesThat().resideInAPackage("java.nio.file..")),
                new Rule("no java.io files", noClasses().that().resideInAnyPackage(CORE)
                        .should().dependOnClassesThat().belongToAnyOf(File.class, FileInputStream.class,
                                FileOutputStream.class, FileReader.class, FileWriter.class, RandomAccessFile.class)),
                // Clocks: time reaches the core only as ticks and wall times passed in.
                new Rule("no System.currentTimeMillis", noClasses().that().resideInAnyPackage(CORE)
                        .should().callMethod(System.class, "currentTimeMillis")),
                new Rule("no System.nanoTime", noClasses().that().resideInAnyPackage(CORE)
                        .should().callMethod(System.class, "nanoTime")),
                new Rule("no java.time.Clock", noClasses().that().resideInAnyPackage(CORE)
                        .should().dependOnClassesThat().belongToAnyOf(Clock.class)),
                new Rule("no java.time now()", noClasses().that().resideInAnyPackage(CORE)
                        .should().callMethodWhere(javaTimeNow())),
                // Randomness must come from a seed.
                new Rule("no unseeded new Random()", noClasses().that().resideInAnyPackage(CORE)
                        .should().callConstructor(Random.class)),
                new Rule("no Math.random", noClasses().that().resideInAnyPackage(CORE)
                        .should().callMethod(Math.class, "random").orShould().callMethod(StrictMath.class, "random")),
                new Rule("no SecureRandom", noClasses().that().resideInAnyPackage(CORE)
                        .should().dependOnClassesThat().belongToAnyOf(SecureRandom.class)),
                new Rule("no UUID.randomUUID", noClasses().that().resideInAnyPackage(CORE)
                        .should().callMethod(UUID.class, "randomUUID")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void productionCoreKeepsTheRule(Rule row) {
        row.rule().check(production);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void ruleCatchesAClassThatBreaksIt(Rule row) {
        EvaluationResult result = row.rule().evaluate(offender);

        assertThat(result.hasViolation()).as(row.name() + " flags " + Offender.class.getSimpleName()).isTrue();
    }

    @Test
    void seededRandomIsAllowed() {
        for (Rule row : rules()) {
            assertThat(row.rule().evaluate(seeded).hasViolation()).as(row.name()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev.corral.wire", "dev.corral.tree", "dev.corral.zab", "dev.corral.node", "dev.corral.sim"})
    void eachCoreModuleIsActuallyImported(String packageName) {
        long count = production.stream().filter(c -> c.getPackageName().equals(packageName)).count();

        assertThat(count).as("production classes imported from " + packageName).isGreaterThan(3);
    }

    @Test
    void importedClassesAreProductionClassesOnly() {
        assertThat(production.contain(dev.corral.node.Node.class)).isTrue();
        assertThat(production.contain(dev.corral.zab.Peer.class)).isTrue();
        assertThat(production.contain(Simulation.class)).isTrue();
        assertThat(production.contain(dev.corral.tree.DataTree.class)).isTrue();
        assertThat(production.contain(dev.corral.wire.ConnectRequest.class)).isTrue();
        assertThat(production.stream().map(JavaClass::getSimpleName)).doesNotContain(
                BannedApiTest.class.getSimpleName(), Offender.class.getSimpleName(), SimulationTest.class.getSimpleName());
    }

    /** Breaks every rule; it lives in dev.corral.sim so the rules apply to it. Never run. */
    @SuppressWarnings("unused")
    static final class Offender {
        Object everything() throws IOException, InterruptedException {
            Thread.sleep(1);
            new ReentrantLock().lock();
            Executors.newSingleThreadExecutor();
            new ConcurrentHashMap<String, String>();
            new Socket();
            SocketChannel.open();
            Path path = Path.of("x");
            new File("x");
            new FileInputStream("x").close();
            new FileOutputStream("x").close();
            new FileReader("x").close();
            new FileWriter("x").close();
            new RandomAccessFile("x", "r").close();
            long now = System.currentTimeMillis() + System.nanoTime();
            Clock clock = Clock.systemUTC();
            Instant instant = Instant.now();
            LocalDateTime local = LocalDateTime.now();
            int dice = new Random().nextInt() + (int) Math.random() + (int) StrictMath.random();
            new SecureRandom().nextInt();
            UUID id = UUID.randomUUID();
            ThreadGroup group = Thread.currentThread().getThreadGroup();
            return List.of(path, now, clock, instant, local, dice, id, group);
        }
    }

    /** Uses randomness the allowed way: from a seed. */
    @SuppressWarnings("unused")
    static final class SeededRandomUser {
        int roll(long seed) {
            return new Random(seed).nextInt(6);
        }
    }
}
