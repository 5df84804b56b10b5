package dev.corral.sim.check;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.elements.ClassesShould;
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
import java.util.List;
import java.util.Random;
import java.util.Timer;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The simulator and its checkers ({@code dev.corral.sim..}) use no thread, lock, socket, file, clock or
 * unseeded randomness, the rules node's BannedApiTest applies to the deterministic core: a seed must
 * replay a run exactly, checks included. Production classes only; each rule is shown to catch a class
 * that breaks it, so none passes by matching nothing.
 */
class BannedApiTest {
    private static final String SIM = "dev.corral.sim..";

    private static JavaClasses production;
    private static JavaClasses offender;
    private static JavaClasses seeded;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.corral.sim");
        offender = new ClassFileImporter().importClasses(Offender.class);
        seeded = new ClassFileImporter().importClasses(SeededRandomUser.class);
    }

    record Rule(String name, ArchRule rule) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Rule ban(String name, Function<ClassesShould, ArchRule> should) {
        return new Rule(name, should.apply(noClasses().that().resideInAPackage(SIM).should()));
    }

    static List<Rule> rules() {
        DescribedPredicate<JavaMethodCall> javaTimeNow = DescribedPredicate.describe("a now() of java.time",
                call -> call.getTargetOwner().getPackageName().equals("java.time") && call.getName().equals("now"));
        return List.of(
                ban("no threads or timers", should -> should.dependOnClassesThat().belongToAnyOf(Thread.class, ThreadGroup.class, Timer.class)),
                ban("no java.util.concurrent", should -> should.dependOnClassesThat().resideInAPackage("java.util.concurrent..")),
                ban("no sockets", should -> should.dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.channels..")),
                ban("no java.nio.file", should -> should.dependOnClassesThat().resideInAPackage("java.nio.file..")),
                ban("no java.io files", should -> should.dependOnClassesThat().belongToAnyOf(File.class, FileInputStream.class,
                        FileOutputStream.class, FileReader.class, FileWriter.class, RandomAccessFile.class)),
                ban("no wall or monotonic clock", should -> should.callMethod(System.class, "currentTimeMillis")
                        .orShould().callMethod(System.class, "nanoTime")),
                ban("no java.time clock or now()", should -> should.dependOnClassesThat().belongToAnyOf(Clock.class)
                        .orShould().callMethodWhere(javaTimeNow)),
                ban("no unseeded randomness", should -> should.callConstructor(Random.class)
                        .orShould().callMethod(Math.class, "random").orShould().callMethod(StrictMath.class, "random")
                        .orShould().dependOnClassesThat().belongToAnyOf(SecureRandom.class)
                        .orShould().callMethod(UUID.class, "randomUUID")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void simKeepsTheRule(Rule row) {
        row.rule().check(production);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void ruleCatchesAClassThatBreaksIt(Rule row) {
        assertThat(row.rule().evaluate(offender).hasViolation()).as(row.name()).isTrue();
    }

    @Test
    void seededRandomIsAllowed() {
        for (Rule row : rules()) {
            assertThat(row.rule().evaluate(seeded).hasViolation()).as(row.name()).isFalse();
        }
    }

    @Test
    void importsTheCheckersAndNoTestClass() {
        assertThat(production.contain(LinearizabilityChecker.class)).isTrue();
        assertThat(production.contain(ZkModel.class)).isTrue();
        assertThat(production.contain(BannedApiTest.class)).isFalse();
        assertThat(production.contain(RandomHistoryTest.class)).isFalse();
    }

    /** Breaks every rule; it lives in dev.corral.sim.check so the rules apply to it. Never run. */
    @SuppressWarnings("unused")
    static final class Offender {
        Object everything() throws IOException, InterruptedException {
            Thread.sleep(1);
            new ReentrantLock().lock();
            new ConcurrentHashMap<String, String>();
            new Socket();
            SocketChannel.open();
            Path path = Path.of("x");
            new FileInputStream(new File("x")).close();
            long now = System.currentTimeMillis() + System.nanoTime();
            Clock clock = Clock.systemUTC();
            Instant instant = Instant.now();
            int dice = new Random().nextInt() + new SecureRandom().nextInt();
            return List.of(path, now, clock, instant, dice);
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
