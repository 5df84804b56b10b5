package dev.corral.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte regions of a well-formed snapshot file, found by walking the grammar at the top of
 * {@link SnapshotFile} independently of its reader, so tests can damage one chosen field. A region is a
 * <em>length</em> (a count or a byte length, which decides where everything after it is read) or a
 * <em>value</em> (fixed-size fields and the bytes of strings and data).
 */
record SnapshotLayout(List<Region> regions, int size) {

    record Region(String field, int start, int end, boolean length) {
        boolean contains(int offset) {
            return offset >= start && offset < end;
        }
    }

    static SnapshotLayout of(byte[] file) {
        Walker walker = new Walker(ByteBuffer.wrap(file));
        walker.value("magic", 4).value("format version", 4).value("zxid", 8).value("digest", 8);
        int sessions = walker.length("session count");
        for (int i = 0; i < sessions; i++) {
            walker.value("sessionId", 8).value("timeoutMs", 4);
        }
        int nodes = walker.length("node count");
        for (int i = 0; i < nodes; i++) {
            walker.bytes("path");
            walker.bytes("data");
            int acls = walker.length("acl count");
            for (int j = 0; j < acls; j++) {
                walker.value("perms", 4);
                walker.bytes("scheme");
                walker.bytes("id");
            }
            walker.value("czxid", 8).value("ctime", 8).value("mzxid", 8).value("mtime", 8).value("pzxid", 8);
            walker.value("version", 4).value("cversion", 4).value("aversion", 4).value("kind", 4);
            walker.value("ephemeralOwner", 8).value("ttlMs", 8);
        }
        walker.value("crc", 4);
        if (walker.offset != file.length) {
            throw new AssertionError("grammar walk ended at " + walker.offset + " of " + file.length + " bytes");
        }
        return new SnapshotLayout(List.copyOf(walker.regions), file.length);
    }

    /** The region holding {@code offset}. */
    Region at(int offset) {
        return regions.stream().filter(r -> r.contains(offset)).findFirst().orElseThrow();
    }

    private static final class Walker {
        private final ByteBuffer buffer;
        private final List<Region> regions = new ArrayList<>();
        private int offset;

        Walker(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        Walker value(String field, int bytes) {
            regions.add(new Region(field, offset, offset + bytes, false));
            offset += bytes;
            return this;
        }

        int length(String field) {
            int value = buffer.getInt(offset);
            regions.add(new Region(field, offset, offset + 4, true));
            offset += 4;
            return value;
        }

        /** A string or buffer: its length, then its bytes (none for a null buffer, length -1). */
        void bytes(String field) {
            int length = length(field + " length");
            if (length > 0) {
                value(field, length);
            }
        }
    }
}
