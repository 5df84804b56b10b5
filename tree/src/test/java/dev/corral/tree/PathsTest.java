package dev.corral.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corral.wire.ErrorCode;
import java.util.List;
import org.apache.zookeeper.common.PathUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Znode path rules, row by row, with ZooKeeper 3.9.5's own {@code PathUtils.validatePath} as the oracle. */
class PathsTest {

    record Case(String name, String path, boolean valid) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                // The root and ordinary absolute paths.
                new Case("root", "/", true),
                new Case("one name", "/a", true),
                new Case("two names", "/a/b", true),
                new Case("built-in node", "/zookeeper/config", true),
                new Case("space inside a name", "/a b", true),
                new Case("non-ASCII letter", "/\u00e9t\u00e9", true),
                new Case("first char after the C1 controls", "/\u00a0", true),
                new Case("first char after the surrogate and private-use block", "/\uf900", true),
                // Dots are fine unless a whole name is "." or "..".
                new Case("dot inside a name", "/a.b", true),
                new Case("name starting with two dots", "/..a", true),
                new Case("name ending with two dots", "/a..", true),
                new Case("name starting with a dot", "/.a", true),
                new Case("three dots", "/...", true),
                new Case("dot name below a parent", "/a/.b", true),
                // Not absolute, empty, or with empty names.
                new Case("empty", "", false),
                new Case("relative", "a", false),
                new Case("relative with slash", "a/b", false),
                new Case("trailing slash", "/a/", false),
                new Case("double slash at the start", "//a", false),
                new Case("double slash inside", "/a//b", false),
                // Relative names.
                new Case("dot name", "/.", false),
                new Case("dot-dot name", "/..", false),
                new Case("dot name inside", "/a/./b", false),
                new Case("dot-dot name inside", "/a/../b", false),
                new Case("dot name at the end", "/a/.", false),
                new Case("dot-dot name at the end", "/a/..", false),
                // Characters ZooKeeper rejects.
                new Case("NUL", "/a\u0000", false),
                new Case("NUL alone", "/\u0000", false),
                new Case("C0 control 0x01", "/\u0001", false),
                new Case("C0 control 0x1f", "/a\u001fb", false),
                new Case("DEL 0x7f", "/a\u007f", false),
                new Case("C1 control 0x80", "/\u0080", false),
                new Case("C1 control 0x9f", "/\u009f", false),
                new Case("high surrogate alone", "/\ud800", false),
                new Case("surrogate pair (emoji)", "/\ud83d\ude00", false),
                new Case("last private-use char", "/\uf8ff", false),
                new Case("specials 0xfff0", "/\ufff0", false),
                new Case("non-character 0xffff", "/\uffff", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void problemIsNullExactlyForValidPaths(Case row) {
        assertThat(Paths.problem(row.path()) == null).as("problem(%s) is null", row.path()).isEqualTo(row.valid());
        assertThat(Paths.isValid(row.path())).isEqualTo(row.valid());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validateThrowsBadArgumentsNamingThePathExactlyForInvalidPaths(Case row) throws KeeperError {
        if (row.valid()) {
            Paths.validate(row.path());
            return;
        }
        assertThatThrownBy(() -> Paths.validate(row.path()))
                .isInstanceOfSatisfying(KeeperError.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BADARGUMENTS))
                .hasMessageContaining(row.path());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void zooKeeperPathUtilsAgreesWithEveryRow(Case row) {
        Throwable thrown = catchThrowable(() -> PathUtils.validatePath(row.path()));

        assertThat(thrown == null).as("ZooKeeper accepts " + row.path()).isEqualTo(row.valid());
    }

    record PartsCase(String path, String parent, String name) {}

    static List<PartsCase> partsCases() {
        return List.of(
                new PartsCase("/a", "/", "a"),
                new PartsCase("/a/b", "/a", "b"),
                new PartsCase("/a/b/c", "/a/b", "c"),
                new PartsCase("/zookeeper/config", "/zookeeper", "config"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("partsCases")
    void parentAndNameSplitAPathAndChildJoinsThemBack(PartsCase row) {
        assertThat(Paths.parent(row.path())).isEqualTo(row.parent());
        assertThat(Paths.name(row.path())).isEqualTo(row.name());
        assertThat(Paths.child(row.parent(), row.name())).isEqualTo(row.path());
    }

    record BelowCase(String path, String ancestor, boolean below) {}

    static List<BelowCase> belowCases() {
        return List.of(
                // A path is at or below itself and its ancestors, and everything is below the root.
                new BelowCase("/a", "/a", true),
                new BelowCase("/a/b", "/a", true),
                new BelowCase("/a/b/c", "/a", true),
                new BelowCase("/x", "/", true),
                new BelowCase("/", "/", true),
                // A sibling whose name starts with the ancestor's name is not below it.
                new BelowCase("/ab", "/a", false),
                new BelowCase("/a", "/a/b", false),
                new BelowCase("/b", "/a", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("belowCases")
    void isAtOrBelowFollowsNamesNotPrefixes(BelowCase row) {
        assertThat(Paths.isAtOrBelow(row.path(), row.ancestor())).isEqualTo(row.below());
    }

    @Test
    void nullPathIsInvalid() {
        assertThat(Paths.problem(null)).isNotNull();
        assertThat(catchThrowable(() -> PathUtils.validatePath(null))).isInstanceOf(IllegalArgumentException.class);
    }
}
