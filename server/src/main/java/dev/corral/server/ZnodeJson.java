package dev.corral.server;

import dev.corral.client.Stat;
import dev.corral.wire.Acl;
import dev.corral.wire.Id;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the web console writes znodes as JSON and reads what the browser sends: stats with zxids in hex
 * (as ZooKeeper's tools print them) and times both as milliseconds and ISO-8601, ACL permissions as
 * ZooKeeper's letters "cdrwa", data as base64 plus the text when it is valid UTF-8.
 */
final class ZnodeJson {
    private ZnodeJson() {}

    // ZooKeeper's ZooDefs.Perms bits, in the order zkCli prints their letters.
    private static final int[] PERM_BITS = {Acl.CREATE, Acl.DELETE, Acl.READ, Acl.WRITE, Acl.ADMIN};
    private static final String PERM_LETTERS = "cdrwa";

    static Map<String, Object> stat(Stat stat) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("czxid", hex(stat.czxid()));
        m.put("mzxid", hex(stat.mzxid()));
        m.put("pzxid", hex(stat.pzxid()));
        m.put("ctime", stat.ctime());
        m.put("ctimeIso", java.time.Instant.ofEpochMilli(stat.ctime()).toString());
        m.put("mtime", stat.mtime());
        m.put("mtimeIso", java.time.Instant.ofEpochMilli(stat.mtime()).toString());
        m.put("version", stat.version());
        m.put("cversion", stat.cversion());
        m.put("aversion", stat.aversion());
        m.put("ephemeralOwner", hex(stat.ephemeralOwner()));
        m.put("dataLength", stat.dataLength());
        m.put("numChildren", stat.numChildren());
        return m;
    }

    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** The letters of a permission mask, in "cdrwa" order. */
    static String perms(int mask) {
        StringBuilder letters = new StringBuilder();
        for (int i = 0; i < PERM_BITS.length; i++) {
            if ((mask & PERM_BITS[i]) != 0) {
                letters.append(PERM_LETTERS.charAt(i));
            }
        }
        return letters.toString();
    }

    /** The mask of permission letters; an unknown letter is refused, naming it. */
    static int perms(String letters) {
        int mask = 0;
        for (char c : letters.toCharArray()) {
            int index = PERM_LETTERS.indexOf(c);
            if (index < 0) {
                throw new IllegalArgumentException("unknown permission '" + c + "' in \"" + letters + "\"; use the letters of cdrwa");
            }
            mask |= PERM_BITS[index];
        }
        return mask;
    }

    static List<Map<String, Object>> acl(List<Acl> acl) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Acl entry : acl) {
            list.add(Map.of("scheme", entry.id().scheme(), "id", entry.id().id(), "perms", perms(entry.perms())));
        }
        return list;
    }

    /** An ACL as the browser sends it: a list of {scheme, id, perms}; null or empty is refused. */
    static List<Acl> acl(Object json) {
        if (!(json instanceof List<?> entries) || entries.isEmpty()) {
            throw new IllegalArgumentException("an ACL must be a non-empty list of {scheme, id, perms}");
        }
        List<Acl> acl = new ArrayList<>();
        for (Object each : entries) {
            if (!(each instanceof Map<?, ?> entry) || !(entry.get("scheme") instanceof String scheme)
                    || !(entry.get("id") instanceof String id) || !(entry.get("perms") instanceof String letters)) {
                throw new IllegalArgumentException("ACL entry " + (acl.size() + 1) + " needs \"scheme\", \"id\" and \"perms\" strings");
            }
            acl.add(new Acl(perms(letters), new Id(scheme, id)));
        }
        return acl;
    }

    /** Data for the browser: base64 always, and the text when the bytes are valid UTF-8; null data stays null. */
    static Map<String, Object> data(byte[] data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataBase64", data == null ? null : Base64.getEncoder().encodeToString(data));
        m.put("text", utf8(data));
        m.put("size", data == null ? 0 : data.length);
        m.put("encoding", data == null ? "null" : utf8(data) != null ? "utf-8" : "binary");
        return m;
    }

    /** The data of a write: "dataBase64" if present, else "data" as UTF-8 text, else none (null). */
    static byte[] data(Map<String, Object> body) {
        if (body.get("dataBase64") instanceof String base64) {
            try {
                return Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"dataBase64\" is not base64: " + e.getMessage());
            }
        }
        return body.get("data") instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : null;
    }

    static String utf8(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
