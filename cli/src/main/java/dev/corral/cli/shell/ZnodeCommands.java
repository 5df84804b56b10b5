package dev.corral.cli.shell;

import dev.corral.client.Children;
import dev.corral.client.CorralClient;
import dev.corral.client.CreateMode;
import dev.corral.client.KeeperException;
import dev.corral.client.NodeData;
import dev.corral.client.Op;
import dev.corral.client.Stat;
import dev.corral.wire.Acl;
import dev.corral.wire.ErrorCode;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * zkCli's commands on znodes: ls, create, get, set, delete, deleteall, stat, sync, config,
 * getAllChildrenNumber, getEphemerals, with zkCli's options, messages and output (ZooKeeper 3.9:
 * {@code cli/LsCommand}, {@code cli/CreateCommand}, ...).
 */
final class ZnodeCommands {
    /** ZooKeeper's largest TTL (EphemeralType.TTL: 40 bits of milliseconds). */
    private static final long TTL_MS_MAX = 0xFFFFFFFFFFL;
    /** Keeps each deleteall multi well under the server's 1 MiB request limit (jute.maxbuffer). */
    private static final int DELETE_BATCH_BYTES_MAX = 512 * 1024;

    private final Shell shell;

    ZnodeCommands(Shell shell) {
        this.shell = shell;
    }

    void ls(Args args) throws ShellException, KeeperException, InterruptedException {
        CorralClient zk = shell.client();
        String path = args.operand(0);
        boolean watch = args.has('w');
        PrintWriter out = shell.out();
        if (args.has('R')) {
            Subtree.visitInZkCliOrder(zk, path, watch, out::println);
            return;
        }
        Children listing = zk.getChildren(path, watch);
        List<String> children = new ArrayList<>(listing.children());
        Collections.sort(children);
        out.println("[" + String.join(", ", children) + "]");
        if (args.has('s')) {
            StatPrinter.print(out, listing.stat());
        }
    }

    void create(Args args) throws ShellException, KeeperException, InterruptedException {
        boolean ephemeral = args.has('e');
        boolean sequential = args.has('s');
        boolean container = args.has('c');
        boolean hasTtl = args.has('t');
        if (container && (ephemeral || sequential)) {
            throw new ShellException("-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.");
        }
        long ttl = 0;
        if (hasTtl) {
            try {
                ttl = Long.parseLong(args.value('t'));
            } catch (NumberFormatException e) {
                throw new ShellException("-t argument must be a long value");
            }
            if (ephemeral) {
                throw new ShellException("TTLs cannot be used with Ephemeral znodes");
            }
            if (container) {
                throw new ShellException("TTLs cannot be used with Container znodes");
            }
            if (ttl <= 0 || ttl > TTL_MS_MAX) {
                throw new ShellException("ttl must be positive and cannot be larger than: " + TTL_MS_MAX);
            }
        }
        CreateMode mode;
        if (ephemeral) {
            mode = sequential ? CreateMode.EPHEMERAL_SEQUENTIAL : CreateMode.EPHEMERAL;
        } else if (sequential) {
            mode = hasTtl ? CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL : CreateMode.PERSISTENT_SEQUENTIAL;
        } else if (container) {
            mode = CreateMode.CONTAINER;
        } else {
            mode = hasTtl ? CreateMode.PERSISTENT_WITH_TTL : CreateMode.PERSISTENT;
        }
        String path = args.operand(0);
        byte[] data = args.operand(1) == null ? null : args.operand(1).getBytes(StandardCharsets.UTF_8);
        List<Acl> acl = args.operand(2) == null ? Acl.OPEN_ACL_UNSAFE : AclSyntax.parse(args.operand(2));
        String created = shell.client().create(path, data, acl, mode, ttl).path();
        // zkCli prints this line on stderr; here it is the command's output, so that scripts can take the
        // path of a sequential znode from stdout.
        shell.out().println("Created " + created);
    }

    void get(Args args) throws ShellException, KeeperException, InterruptedException {
        NodeData got = shell.client().getData(args.operand(0), args.has('w'));
        byte[] data = got.data() == null ? "null".getBytes(StandardCharsets.UTF_8) : got.data();
        PrintWriter out = shell.out();
        if (args.has('x')) {
            out.println(ByteBufUtil.prettyHexDump(Unpooled.wrappedBuffer(data)));
        } else if (args.has('b')) {
            out.println(Base64.getEncoder().encodeToString(data));
        } else {
            out.println(new String(data, StandardCharsets.UTF_8));
        }
        if (args.has('s')) {
            StatPrinter.print(out, got.stat());
        }
    }

    void set(Args args) throws ShellException, KeeperException, InterruptedException {
        String text = args.operand(1);
        byte[] data = args.has('b') ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
        int version = args.intValue('v', -1, "version");
        Stat stat = shell.client().setData(args.operand(0), data, version);
        if (args.has('s')) {
            StatPrinter.print(shell.out(), stat);
        }
    }

    void delete(Args args) throws ShellException, KeeperException, InterruptedException {
        shell.client().delete(args.operand(0), args.intValue('v', -1, "version"));
    }

    /**
     * Deletes a subtree, leaves first, in multis of at most {@code -b} deletes (ZooKeeper 3.9:
     * {@code ZKUtil#deleteRecursive}); a batch size of 0 or less deletes one znode at a time.
     */
    void deleteAll(Args args) throws ShellException, KeeperException, InterruptedException {
        int batchSize = args.intValue('b', 1000, "batch size");
        CorralClient zk = shell.client();
        List<String> tree = Subtree.listBreadthFirst(zk, args.operand(0));
        if (batchSize <= 0) {
            for (int i = tree.size() - 1; i >= 0; i--) {
                zk.delete(tree.get(i), -1);
            }
            return;
        }
        List<Op> batch = new ArrayList<>();
        int batchBytes = 0;
        for (int i = tree.size() - 1; i >= 0; i--) {
            String path = tree.get(i);
            batch.add(Op.delete(path, -1));
            // At most 3 UTF-8 bytes per char, plus the op's header, length and version.
            batchBytes += path.length() * 3 + 16;
            if (batch.size() >= batchSize || batchBytes >= DELETE_BATCH_BYTES_MAX || i == 0) {
                try {
                    zk.multi(batch);
                } catch (KeeperException e) {
                    throw new ShellException("Failed to delete some node(s) in the subtree! " + Shell.describe(e), e);
                }
                batch = new ArrayList<>();
                batchBytes = 0;
            }
        }
    }

    void stat(Args args) throws ShellException, KeeperException, InterruptedException {
        String path = args.operand(0);
        Stat stat = shell.client().exists(path, args.has('w'));
        if (stat == null) {
            throw new KeeperException(ErrorCode.NONODE, path);
        }
        StatPrinter.print(shell.out(), stat);
    }

    void sync(Args args) throws ShellException, InterruptedException {
        try {
            shell.client().sync(args.operand(0));
            shell.out().println("Sync is OK");
        } catch (KeeperException e) {
            throw new ShellException("Sync has failed. rc=" + e.code());
        }
    }

    /** The ensemble's dynamic config, the data of /zookeeper/config whatever the chroot (ZooKeeper's getConfig). */
    void config(Args args) throws ShellException, KeeperException, InterruptedException {
        NodeData got = shell.client().getConfig(args.has('w'));
        String config = got.data() == null ? "null" : new String(got.data(), StandardCharsets.UTF_8);
        shell.out().println(args.has('c') ? clientConfig(config) : config);
        if (args.has('s')) {
            StatPrinter.print(shell.out(), got.stat());
        }
    }

    /**
     * "version host:port,host:port": the config's version and its servers' client addresses (ZooKeeper
     * 3.9: {@code ConfigUtils#getClientConfigStr}), here in server id order.
     */
    static String clientConfig(String config) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(config));
        } catch (java.io.IOException e) {
            return "";
        }
        Map<Long, String> clients = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key).trim();
            int semicolon = value.indexOf(';');
            if (!key.startsWith("server.") || semicolon < 0) {
                continue;
            }
            try {
                long serverId = Long.parseLong(key.substring("server.".length()));
                String client = value.substring(semicolon + 1).trim();
                clients.put(serverId, client.contains(":") ? client : "0.0.0.0:" + client);
            } catch (NumberFormatException e) {
                // Not a server line ZooKeeper would read either.
            }
        }
        return properties.getProperty("version", "").trim() + " " + String.join(",", clients.values());
    }

    void getAllChildrenNumber(Args args) throws ShellException, KeeperException, InterruptedException {
        shell.out().println(shell.client().getAllChildrenNumber(args.operand(0)));
    }

    void getEphemerals(Args args) throws ShellException, KeeperException, InterruptedException {
        String prefix = args.operand(0) == null ? "/" : args.operand(0);
        shell.out().println(shell.client().getEphemerals(prefix));
    }
}
