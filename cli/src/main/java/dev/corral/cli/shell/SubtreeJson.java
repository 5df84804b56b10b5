package dev.corral.cli.shell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.client.AclList;
import dev.corral.client.CorralClient;
import dev.corral.client.NodeData;
import dev.corral.client.KeeperException;
import dev.corral.client.ZnodePaths;
import dev.corral.tree.Paths;
import dev.corral.wire.Acl;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Id;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a subtree, which {@code export} writes and {@code import} reads:
 * <pre>
 *   document = { "format": "corral-export/1", "path": exported root path, "znode": znode }
 *   znode    = { "data": UTF-8 text | null          ; null: the znode's data is null
 *                | "dataBase64": base64 text,       ; data that is not valid UTF-8
 *                "acl": [ { "scheme": s, "id": i, "perms": letters of "cdrwa" }, ... ],
 *                [ "ephemeral": true, ]             ; only for ephemeral znodes
 *                [ "children": { name: znode, ... } ] }  ; only if there are any, sorted by name
 * </pre>
 * What a client can see of a znode's mode is kept: whether it is ephemeral, and its name, so a
 * sequential znode comes back under the same number. The client protocol shows containers and TTL
 * znodes as persistent (ephemeralOwner 0, as ZooKeeper shows them), so they are exported as persistent.
 * Stats (zxids, times, versions) belong to the server that made them and are not exported. A digest ACL
 * is exported only if the session may see its hash (ADMIN on the znode, as ZooKeeper rules), since the
 * masked form ("user:x") would not restore it.
 *
 * <p>Jackson limits nesting to 1000 levels, two per znode level, so a subtree deeper than about 500
 * levels cannot be exported or imported.
 */
final class SubtreeJson {
    static final String FORMAT = "corral-export/1";
    private static final String DIGEST = "digest";
    private static final String MASKED_HASH = ":x";

    /** An exported document and how many znodes it holds. */
    record Export(ObjectNode document, int count) {}

    /** One znode to create, in the order an import creates them (parents first). */
    record Znode(String path, byte[] data, List<Acl> acl, boolean ephemeral) {}

    private SubtreeJson() {}

    /** Reads the subtree under {@code root}, leaving out the subtree at {@code excluded} (null: none). */
    static Export read(CorralClient zk, String root, String excluded)
            throws ShellException, KeeperException, InterruptedException {
        ObjectNode rootZnode = readZnode(zk, root);
        if (rootZnode == null) {
            throw new KeeperException(ErrorCode.NONODE, root);
        }
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.put("format", FORMAT);
        document.put("path", root);
        document.set("znode", rootZnode);
        int count = 1;
        Deque<Map.Entry<String, ObjectNode>> pending = new ArrayDeque<>();
        pending.push(Map.entry(root, rootZnode));
        while (!pending.isEmpty()) {
            Map.Entry<String, ObjectNode> parent = pending.pop();
            ObjectNode children = null;
            for (String child : Subtree.sortedChildren(zk, parent.getKey(), false)) {
                ObjectNode znode = child.equals(excluded) ? null : readZnode(zk, child);
                if (znode == null) {
                    continue;
                }
                if (children == null) {
                    children = parent.getValue().putObject("children");
                }
                children.set(child.substring(child.lastIndexOf('/') + 1), znode);
                count++;
                pending.push(Map.entry(child, znode));
            }
        }
        return new Export(document, count);
    }

    /** A znode's data, ACL and mode as JSON, or null if it is gone. */
    private static ObjectNode readZnode(CorralClient zk, String path)
            throws ShellException, KeeperException, InterruptedException {
        NodeData data;
        AclList acl;
        try {
            data = zk.getData(path, false);
            acl = zk.getAcl(path);
        } catch (KeeperException e) {
            if (e.code() == ErrorCode.NONODE) {
                return null;
            }
            throw e;
        }
        ObjectNode znode = JsonNodeFactory.instance.objectNode();
        String text = utf8(data.data());
        if (data.data() == null || text != null) {
            znode.put("data", text);
        } else {
            znode.put("dataBase64", Base64.getEncoder().encodeToString(data.data()));
        }
        ArrayNode acls = znode.putArray("acl");
        for (Acl entry : acl.acl()) {
            if (DIGEST.equals(entry.id().scheme()) && entry.id().id().endsWith(MASKED_HASH)) {
                // ZooKeeper shows a digest id as "user:x" to a session without ADMIN on the znode; an import
                // of that would lock the znode to a password nobody has.
                throw new ShellException("cannot export the ACL of " + path + ": the server hides the hash of its digest id "
                        + entry.id().id() + " from this session, which lacks ADMIN there; addauth as an identity with "
                        + "ADMIN first (in the interactive shell)");
            }
            acls.addObject().put("scheme", entry.id().scheme()).put("id", entry.id().id())
                    .put("perms", AclSyntax.permString(entry.perms()));
        }
        if (data.stat().ephemeralOwner() != 0) {
            znode.put("ephemeral", true);
        }
        return znode;
    }

    /** {@code bytes} as text if they are valid UTF-8, else null. */
    private static String utf8(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Checks a whole document and lists its znodes parents first, rooted at {@code target} (null: the
     * path it was exported from). Every problem names the file and the znode it is in.
     */
    static List<Znode> parse(JsonNode document, String target, String file) throws ShellException {
        if (!FORMAT.equals(document.path("format").asText(null))) {
            throw new ShellException("import: " + file + " is not a Corral export (\"format\" is not \"" + FORMAT + "\")");
        }
        String root = target != null ? target : document.path("path").asText(null);
        try {
            ZnodePaths.validate(root);
        } catch (IllegalArgumentException e) {
            throw new ShellException("import: " + file + ": bad root path: " + e.getMessage());
        }
        record Pending(String path, JsonNode json) {}
        List<Znode> znodes = new ArrayList<>();
        Deque<Pending> pending = new ArrayDeque<>();
        pending.push(new Pending(root, document.get("znode")));
        while (!pending.isEmpty()) {
            Pending next = pending.pop();
            String where = "import: " + file + ": znode " + next.path() + ": ";
            if (next.json() == null || !next.json().isObject()) {
                throw new ShellException(where + "not a JSON object");
            }
            JsonNode json = next.json();
            znodes.add(new Znode(next.path(), data(json, where), acl(json, where), json.path("ephemeral").asBoolean(false)));
            JsonNode children = json.get("children");
            if (children == null) {
                continue;
            }
            if (!children.isObject()) {
                throw new ShellException(where + "\"children\" is not a JSON object");
            }
            List<Pending> ordered = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = children.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> child = it.next();
                String path = ZnodePaths.child(next.path(), child.getKey());
                if (child.getKey().isEmpty() || child.getKey().contains("/") || !Paths.isValid(path)) {
                    throw new ShellException(where + "bad child name \"" + child.getKey() + "\"");
                }
                ordered.add(new Pending(path, child.getValue()));
            }
            for (int i = ordered.size() - 1; i >= 0; i--) {
                pending.push(ordered.get(i));
            }
        }
        return znodes;
    }

    private static byte[] data(JsonNode json, String where) throws ShellException {
        JsonNode base64 = json.get("dataBase64");
        if (base64 != null) {
            try {
                return Base64.getDecoder().decode(base64.asText(""));
            } catch (IllegalArgumentException e) {
                throw new ShellException(where + "\"dataBase64\" is not base64: " + e.getMessage());
            }
        }
        JsonNode text = json.get("data");
        if (text == null || text.isNull()) {
            return null;
        }
        if (!text.isTextual()) {
            throw new ShellException(where + "\"data\" is not a string");
        }
        return text.asText().getBytes(StandardCharsets.UTF_8);
    }

    private static List<Acl> acl(JsonNode json, String where) throws ShellException {
        JsonNode entries = json.get("acl");
        if (entries == null || !entries.isArray() || entries.isEmpty()) {
            throw new ShellException(where + "\"acl\" must be a non-empty list");
        }
        List<Acl> acl = new ArrayList<>();
        for (JsonNode entry : entries) {
            JsonNode scheme = entry.get("scheme");
            JsonNode id = entry.get("id");
            JsonNode perms = entry.get("perms");
            if (scheme == null || !scheme.isTextual() || id == null || !id.isTextual() || perms == null || !perms.isTextual()) {
                throw new ShellException(where + "ACL entry " + (acl.size() + 1) + " needs \"scheme\", \"id\" and \"perms\" strings");
            }
            try {
                acl.add(new Acl(AclSyntax.perms(perms.asText()), new Id(scheme.asText(), id.asText())));
            } catch (ShellException e) {
                throw new ShellException(where + "ACL entry " + (acl.size() + 1) + ": " + e.getMessage());
            }
        }
        return acl;
    }
}
