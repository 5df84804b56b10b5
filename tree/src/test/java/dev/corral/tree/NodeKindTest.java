package dev.corral.tree;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeKindTest {
    @Test
    void everyKindIsFoundByItsOrdinalAndNoOtherNumberNamesOne() {
        for (NodeKind kind : NodeKind.values()) {
            assertThat(NodeKind.ofOrdinal(kind.ordinal())).isSameAs(kind);
        }
        assertThat(NodeKind.ofOrdinal(-1)).isNull();
        assertThat(NodeKind.ofOrdinal(NodeKind.values().length)).isNull();
        assertThat(NodeKind.ofOrdinal(Integer.MIN_VALUE)).isNull();
    }
}
