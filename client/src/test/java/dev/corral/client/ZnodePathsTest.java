package dev.corral.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.apache.zookeeper.common.PathUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client's own path check gives ZooKeeper 3.9.5's verdict and message ({@code PathUtils.validatePath},
 * run here on the same input) for every kind of path ZooKeeper treats apart.
 */
class ZnodePathsTest {
    record Case(String path, boolean sequential, String expectedProblem) {}

    static Stream<Case> cases() {
        return Stream.of(
                // valid paths, including names that only look relative
                new Case("/", false, null),
                new Case("/a", false, null),
                new Case("/a/b-c_d", false, null),
                new Case("/a/...", false, null),
                new Case("/a/..b", false, null),
                new Case("/a/.b", false, null),
                new Case("/a/b.", false, null),
                new Case("/\u00e9t\u00e9", false, null),
                // sequential: the check is on path + "1", so a trailing slash is a valid prefix
                new Case("/a/", true, null),
                new Case("/", true, null),
                new Case("/a//", true, "Invalid path string \"/a//1\" caused by empty node name specified @3"),
                // the shape of the whole path
                new Case("", false, "Path length must be > 0"),
                new Case("a", false, "Path must start with / character"),
                new Case("/a/", false, "Path must not end with / character"),
                // a bad name, with its index
                new Case("//a", false, "Invalid path string \"//a\" caused by empty node name specified @1"),
                new Case("/a//b", false, "Invalid path string \"/a//b\" caused by empty node name specified @3"),
                new Case("/.", false, "Invalid path string \"/.\" caused by relative paths not allowed @1"),
                new Case("/a/./b", false, "Invalid path string \"/a/./b\" caused by relative paths not allowed @3"),
                new Case("/..", false, "Invalid path string \"/..\" caused by relative paths not allowed @2"),
                new Case("/a/../b", false, "Invalid path string \"/a/../b\" caused by relative paths not allowed @4"),
                new Case("/a\u0000b", false, "Invalid path string \"/a\u0000b\" caused by null character not allowed @2"),
                new Case("/a\u0001", false, "Invalid path string \"/a\u0001\" caused by invalid character @2"),
                new Case("/\u007f", false, "Invalid path string \"/\u007f\" caused by invalid character @1"),
                new Case("/\u009f", false, "Invalid path string \"/\u009f\" caused by invalid character @1"),
                new Case("/\ud800", false, "Invalid path string \"/\ud800\" caused by invalid character @1"),
                new Case("/\uf8ff", false, "Invalid path string \"/\uf8ff\" caused by invalid character @1"),
                new Case("/\ufff0", false, "Invalid path string \"/\ufff0\" caused by invalid character @1"),
                new Case("/\uffff", false, "Invalid path string \"/\uffff\" caused by invalid character @1"),
                // just outside the forbidden ranges
                new Case("/\u00a0\uf900\uffef", false, null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void validateGivesZooKeepersVerdictAndMessage(Case c) {
        assertThat(zooKeeperProblem(c.path(), c.sequential())).as("ZooKeeper's own verdict").isEqualTo(c.expectedProblem());
        if (c.expectedProblem() == null) {
            ZnodePaths.validate(c.path(), c.sequential());
        } else {
            assertThatThrownBy(() -> ZnodePaths.validate(c.path(), c.sequential()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(c.expectedProblem());
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void problemOfANonSequentialPathIsZooKeepersMessage(Case c) {
        assertThat(ZnodePaths.problem(c.path())).isEqualTo(zooKeeperProblem(c.path(), false));
    }

    @Test
    void nullPathIsRefusedAsZooKeeperDoes() {
        assertThat(zooKeeperProblem(null, false)).isEqualTo("Path cannot be null");
        assertThatThrownBy(() -> ZnodePaths.validate(null)).hasMessage("Path cannot be null");
    }

    private static String zooKeeperProblem(String path, boolean sequential) {
        try {
            if (sequential) {
                PathUtils.validatePath(path, true);
            } else {
                PathUtils.validatePath(path);
            }
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
