package dev.corral.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.client.CorralClient;
import dev.corral.client.CreateMode;
import dev.corral.wire.Acl;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jline.reader.Candidate;
import org.jline.reader.ParsedLine;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tab completion: the first word from the command names, a word starting with '/' from the children
 * the server lists, nothing else; paths are offered whole and without a trailing space, and under a
 * chroot as the user types them, relative to it.
 */
class ZnodeCompleterTest {
    @RegisterExtension
    static final ShellFixture fixture = new ShellFixture();
    private static CorralClient client;
    /** Connected with the chroot /comp. */
    private static CorralClient chrooted;

    @BeforeAll
    static void createTree() throws Exception {
        client = fixture.client();
        for (String path : List.of("/comp", "/comp/alpha", "/comp/alps", "/comp/beta", "/comp/beta/inner", "/other")) {
            client.create(path, null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        chrooted = CorralClient.connect(fixture.connectString() + "/comp", ShellFixture.SESSION_TIMEOUT_MS, event -> { });
    }

    @AfterAll
    static void closeClient() {
        client.close();
        chrooted.close();
    }

    /** A line typed up to its end, and the candidates tab offers. */
    record Case(String name, String line, boolean connected, boolean underComp, List<String> candidates) {
        Case(String name, String line, boolean connected, List<String> candidates) {
            this(name, line, connected, false, candidates);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // Command names, for the first word only.
                new Case("a command prefix", "cre", true, List.of("create")),
                new Case("a prefix of several commands", "get", true,
                        List.of("get", "getAcl", "getAllChildrenNumber", "getEphemerals")),
                new Case("no command matches", "xyz", true, List.of()),
                new Case("a second word that is not a path", "ls comp", true, List.of()),
                // Paths, from the server.
                new Case("the root's children", "ls /", true, List.of("/comp", "/other", "/zookeeper")),
                new Case("a prefix at the root", "ls /co", true, List.of("/comp")),
                new Case("a znode's children", "get /comp/", true, List.of("/comp/alpha", "/comp/alps", "/comp/beta")),
                new Case("a prefix of children", "get -s /comp/al", true, List.of("/comp/alpha", "/comp/alps")),
                new Case("one level deeper", "stat /comp/beta/", true, List.of("/comp/beta/inner")),
                new Case("a parent that does not exist", "ls /nope/x", true, List.of()),
                new Case("not connected", "ls /co", false, List.of()),
                // Under the chroot /comp, paths as the user types them.
                new Case("the chroot's children at /", "ls /", true, true, List.of("/alpha", "/alps", "/beta")),
                new Case("a prefix under the chroot", "ls /al", true, true, List.of("/alpha", "/alps")),
                new Case("one level deeper under the chroot", "stat /beta/", true, true, List.of("/beta/inner")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tabOffersCommandsFirstThenPathsFromTheServer(Case c) {
        CorralClient session = c.underComp() ? chrooted : client;
        ZnodeCompleter completer = new ZnodeCompleter(() -> c.connected() ? session : null,
                () -> new Shell(null, null, 1000).commandNames());
        ParsedLine line = new DefaultParser().parse(c.line(), c.line().length());
        List<Candidate> candidates = new ArrayList<>();
        completer.complete(null, line, candidates);
        assertThat(candidates).extracting(Candidate::value).containsExactlyElementsOf(c.candidates());
        boolean path = c.line().contains(" ");
        assertThat(candidates).allSatisfy(candidate -> assertThat(candidate.complete())
                .as("a path stays open for '/', a command takes a space").isEqualTo(!path));
    }
}
