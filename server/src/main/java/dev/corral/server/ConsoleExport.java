package dev.corral.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.client.AclList;
import dev.corral.client.CorralClient;
import dev.corral.client.CreateMode;
import dev.corral.client.KeeperException;
import dev.corral.client.NodeData;
import dev.corral.client.ZnodePaths;
import dev.corral.wire.Acl;
import dev.corral.wire.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Export and import of a subtree in the console, in the format of {@code corral shell}'s export and
 * import (the cli's SubtreeJson has the grammar): {"format": "corral-export/1", "path": root, "znode":
 * {"data" | "dataBase64", "acl": [{scheme, id, perms}], "ephemeral"?, "children"?: {name: znode}}}.
 * Both are calls of the login's ZooKeeper session. An export is bounded to {@link #ZNODES_MAX} znodes,
 * since it is one JSON answer; exporting "/" leaves out /zookeeper, which the server owns. An import
 * creates parents first and stops at the first znode the server refuses, as the shell's does.
 */
final class ConsoleExport {
    static final String FORMAT = "corral-export/1";
    static final int ZNODES_MAX = 10_000;

    private ConsoleExport() {}

    static Map<String, Object> read(CorralClient zk, String root) throws KeeperException, InterruptedException {
        Map<String, Object> rootZnode = znode(zk, root);
        if (rootZnode == null) {
            throw new KeeperException(ErrorCode.NONODE, root);
        }
        record Pending(String path, Map<String, Object> znode) {}
        Deque<Pending> pending = new ArrayDeque<>();
        pending.push(new Pending(root, rootZnode));
        int count = 1;
        while (!pending.isEmpty()) {
            Pending parent = pending.pop();
            Map<String, Object> children = new TreeMap<>();
            for (String name : zk.getChildren(parent.path(), false).children()) {
                String path = ZnodePaths.child(parent.path(), name);
                Map<String, Object> child = path.equals("/zookeeper") ? null : znode(zk, path);
                if (child == null) {
                    continue;
                }
                if (++count > ZNODES_MAX) {
                    throw new IllegalArgumentException("the subtree of " + root + " has more than " + ZNODES_MAX
                            + " znodes; export it with corral shell instead");
                }
                children.put(name, child);
                pending.push(new Pending(path, child));
            }
            if (!children.isEmpty()) {
                parent.znode().put("children", children);
            }
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("format", FORMAT);
        document.put("path", root);
        document.put("znode", rootZnode);
        return document;
    }

    /** A znode's data, ACL and mode, or null if it is gone. */
    private static Map<String, Object> znode(CorralClient zk, String path) throws KeeperException, InterruptedException {
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
        Map<String, Object> znode = new LinkedHashMap<>();
        String text = ZnodeJson.utf8(data.data());
        if (data.data() == null || text != null) {
            znode.put("data", text);
        } else {
            znode.put("dataBase64", Base64.getEncoder().encodeToString(data.data()));
        }
        for (Acl entry : acl.acl()) {
            if (entry.id().scheme().equals("digest") && entry.id().id().endsWith(":x")) {
                throw new IllegalArgumentException("cannot export the ACL of " + path + ": the server hides the hash of "
                        + entry.id().id() + " from this login, which lacks ADMIN there");
            }
        }
        znode.put("acl", ZnodeJson.acl(acl.acl()));
        if (data.stat().ephemeralOwner() != 0) {
            znode.put("ephemeral", true);
        }
        return znode;
    }

    /** Creates the znodes of an export under {@code target} (null: its own path); returns how many. */
    static int write(CorralClient zk, JsonNode document, String target) throws KeeperException, InterruptedException {
        if (document == null || !FORMAT.equals(document.path("format").asText(null))) {
            throw new IllegalArgumentException("not a Corral export (\"format\" is not \"" + FORMAT + "\")");
        }
        String root = target != null ? target : document.path("path").asText(null);
        if (root == null) {
            throw new IllegalArgumentException("the export names no \"path\"");
        }
        ZnodePaths.validate(root);
        record Pending(String path, JsonNode json) {}
        record Create(String path, byte[] data, List<Acl> acl, boolean ephemeral) {}
        List<Create> creates = new ArrayList<>();
        Deque<Pending> pending = new ArrayDeque<>();
        pending.push(new Pending(root, document.get("znode")));
        while (!pending.isEmpty()) {
            Pending next = pending.pop();
            JsonNode json = next.json();
            if (json == null || !json.isObject()) {
                throw new IllegalArgumentException("znode " + next.path() + ": not a JSON object");
            }
            byte[] data = json.hasNonNull("dataBase64") ? Base64.getDecoder().decode(json.get("dataBase64").asText())
                    : json.hasNonNull("data") ? json.get("data").asText().getBytes(StandardCharsets.UTF_8) : null;
            List<Acl> acl;
            try {
                acl = ZnodeJson.acl(new com.fasterxml.jackson.databind.ObjectMapper().convertValue(json.get("acl"), Object.class));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("znode " + next.path() + ": " + e.getMessage());
            }
            creates.add(new Create(next.path(), data, acl, json.path("ephemeral").asBoolean(false)));
            JsonNode children = json.get("children");
            if (children != null) {
                List<Pending> ordered = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = children.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> child = it.next();
                    if (child.getKey().isEmpty() || child.getKey().contains("/")) {
                        throw new IllegalArgumentException("znode " + next.path() + ": bad child name \"" + child.getKey() + "\"");
                    }
                    ordered.add(new Pending(ZnodePaths.child(next.path(), child.getKey()), child.getValue()));
                }
                for (int i = ordered.size() - 1; i >= 0; i--) {
                    pending.push(ordered.get(i));
                }
            }
        }
        int created = 0;
        for (Create create : creates) {
            if (create.path().equals("/")) {
                zk.setData("/", create.data(), -1);
                zk.setAcl("/", create.acl(), -1);
            } else {
                zk.create(create.path(), create.data(), create.acl(), create.ephemeral() ? CreateMode.EPHEMERAL : CreateMode.PERSISTENT);
            }
            created++;
        }
        return created;
    }
}
