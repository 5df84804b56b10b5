package dev.corral.server.quorum;

import dev.corral.wire.QuorumAuthPacket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.URIParameter;
import javax.security.auth.login.Configuration;

/** JAAS files for quorum SASL tests, in the form ZooKeeper's documentation gives, and a whole exchange between two sides. */
final class QuorumJaas {
    static final QuorumAuthSettings REQUIRED = new QuorumAuthSettings(true, true, true, "QuorumLearner", "QuorumServer",
            "zkquorum/localhost", 20);
    static final QuorumAuthSettings NOT_REQUIRED = new QuorumAuthSettings(true, false, false, "QuorumLearner", "QuorumServer",
            "zkquorum/localhost", 20);
    /** Enabled, this member authenticates, but accepts members that do not: the middle step of a rollout. */
    static final QuorumAuthSettings LEARNER_REQUIRED = new QuorumAuthSettings(true, true, false, "QuorumLearner", "QuorumServer",
            "zkquorum/localhost", 20);

    static final String FIPS_MODE = "zookeeper.fips-mode";

    private QuorumJaas() {}

    /** A file whose QuorumServer knows user "test" with password "test", and whose QuorumLearner presents {@code password}. */
    static Path write(Path directory, String name, String password) {
        return writeText(directory, name, """
                QuorumServer {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  user_test="test";
                };
                QuorumLearner {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  username="test"
                  password="%s";
                };
                """.formatted(password));
    }

    static Path writeText(Path directory, String name, String text) {
        try {
            return Files.writeString(directory.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes {@code file} the JVM's JAAS configuration, which ZooKeeper's own classes read, and turns ZooKeeper's FIPS
     * mode off (in it, ZooKeeper 3.9.5 makes no DIGEST-MD5 client); closing restores both.
     */
    static AutoCloseable forZooKeeper(Path file) throws Exception {
        Configuration previous;
        try {
            previous = Configuration.getConfiguration();
        } catch (SecurityException e) {
            previous = null; // no JAAS file configured for the JVM
        }
        Configuration.setConfiguration(Configuration.getInstance("JavaLoginConfig", new URIParameter(file.toUri())));
        System.setProperty(FIPS_MODE, "false");
        Configuration restored = previous;
        return () -> {
            Configuration.setConfiguration(restored);
            System.clearProperty(FIPS_MODE);
        };
    }

    /** The quorum SASL of {@code settings} with a JAAS file whose learner presents {@code password}. */
    static QuorumSasl sasl(Path directory, QuorumAuthSettings settings, String password) {
        try {
            return QuorumSasl.load(settings, write(directory, "jaas-" + password + ".conf", password).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs a learner exchange (connecting to {@code host}) against a server exchange until one side ends;
     * returns both last steps, the learner's first.
     */
    static QuorumAuthStep[] exchange(QuorumSasl learnerSide, String host, QuorumSasl serverSide) throws Exception {
        QuorumAuthLearnerExchange learner = learnerSide.newLearnerExchange(host);
        QuorumAuthServerExchange server = serverSide.newServerExchange();
        QuorumAuthPacket toServer = learner.start();
        for (int round = 0; round < 10; round++) {
            QuorumAuthStep answer = server.onPacket(toServer);
            QuorumAuthStep reply = learner.onPacket(answer.reply());
            if (answer.outcome() != QuorumAuthStep.Outcome.CONTINUE || reply.outcome() != QuorumAuthStep.Outcome.CONTINUE) {
                return new QuorumAuthStep[] {reply, answer};
            }
            toServer = reply.reply();
        }
        throw new AssertionError("no end after 10 rounds");
    }
}
