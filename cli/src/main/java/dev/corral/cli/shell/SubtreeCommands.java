package dev.corral.cli.shell;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.client.CorralClient;
import dev.corral.client.CreateMode;
import dev.corral.client.KeeperException;
import dev.corral.client.ZnodePaths;
import dev.corral.wire.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Corral's commands on whole subtrees: {@code tree} draws one, {@code export} writes one to a JSON file
 * ({@link SubtreeJson} has the format) and {@code import} creates one from such a file. The file "-"
 * is the shell's output for export, and stdin for import in the non-interactive form.
 *
 * <p>An export is not a snapshot: it reads znode after znode, so writes made meanwhile may or may not be
 * in it, as with zkCli's {@code ls -R}. Exporting "/" leaves out /zookeeper, which the server owns.
 *
 * <p>An import checks the whole file before it writes anything, then creates the znodes parents first,
 * each with its data, ACL and mode. It stops at the first znode the server refuses (one that exists
 * already, say), reporting how many it created. The importing session must be allowed to create
 * children under each znode it creates: a znode whose ACL denies that (world:anyone:r, say) can only be
 * imported with its children after {@code addauth} as an identity its ACL lets create. Ephemeral znodes
 * belong to the importing session and go away when it ends.
 */
final class SubtreeCommands {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String ZOOKEEPER_SUBTREE = "/zookeeper";

    private final Shell shell;

    SubtreeCommands(Shell shell) {
        this.shell = shell;
    }

    /** Draws the subtree under a path ("/" if none), children sorted. */
    void tree(Args args) throws ShellException, KeeperException, InterruptedException {
        CorralClient zk = shell.client();
        String root = args.operand(0) == null ? "/" : args.operand(0);
        ZnodePaths.validate(root);
        if (zk.exists(root, false) == null) {
            throw new KeeperException(ErrorCode.NONODE, root);
        }
        PrintWriter out = shell.out();
        out.println(root);
        Deque<Line> pending = new ArrayDeque<>();
        pushChildren(pending, Subtree.sortedChildren(zk, root, false), "");
        while (!pending.isEmpty()) {
            Line line = pending.pop();
            out.println(line.indent() + (line.last() ? "└── " : "├── ") + line.path().substring(line.path().lastIndexOf('/') + 1));
            pushChildren(pending, Subtree.sortedChildren(zk, line.path(), false), line.indent() + (line.last() ? "    " : "│   "));
        }
    }

    /** One line of a drawn tree: the znode, the indent drawn in front of it, and whether it is its parent's last child. */
    private record Line(String path, String indent, boolean last) {}

    private static void pushChildren(Deque<Line> pending, List<String> children, String indent) {
        for (int i = children.size() - 1; i >= 0; i--) {
            pending.push(new Line(children.get(i), indent, i == children.size() - 1));
        }
    }

    void export(Args args) throws ShellException, KeeperException, InterruptedException, IOException {
        CorralClient zk = shell.client();
        String root = args.operand(0);
        String file = args.operand(1);
        ZnodePaths.validate(root);
        SubtreeJson.Export export = SubtreeJson.read(zk, root, root.equals("/") ? ZOOKEEPER_SUBTREE : null);
        if (file.equals("-")) {
            shell.out().println(JSON.writeValueAsString(export.document()));
            return;
        }
        byte[] bytes = JSON.writeValueAsBytes(export.document());
        Files.write(Path.of(file), bytes);
        shell.out().println("Exported " + export.count() + " znodes under " + root + " to " + file);
    }

    void importTree(Args args) throws ShellException, KeeperException, InterruptedException, IOException {
        String file = args.operand(0);
        JsonNode document;
        try (InputStream in = open(file)) {
            document = JSON.readTree(in);
        } catch (NoSuchFileException e) {
            throw new ShellException("import: no such file: " + file);
        } catch (JsonProcessingException e) {
            throw new ShellException("import: " + file + " is not JSON: " + e.getOriginalMessage());
        }
        if (!(document instanceof ObjectNode)) {
            throw new ShellException("import: " + file + " is not a Corral export (no JSON object)");
        }
        List<SubtreeJson.Znode> znodes = SubtreeJson.parse(document, args.operand(1), file);
        CorralClient zk = shell.client();
        int created = 0;
        int ephemerals = 0;
        try {
            for (SubtreeJson.Znode znode : znodes) {
                if (znode.path().equals("/")) {
                    // The root always exists: give it the exported data and ACL instead.
                    zk.setData("/", znode.data(), -1);
                    zk.setAcl("/", znode.acl(), -1);
                } else {
                    zk.create(znode.path(), znode.data(), znode.acl(), znode.ephemeral() ? CreateMode.EPHEMERAL : CreateMode.PERSISTENT);
                }
                created++;
                ephemerals += znode.ephemeral() ? 1 : 0;
            }
        } catch (KeeperException e) {
            shell.err().println("import: stopped after " + created + " of " + znodes.size() + " znodes");
            throw e;
        }
        shell.out().println("Imported " + created + " znodes under " + znodes.get(0).path() + " from " + file);
        if (ephemerals > 0) {
            shell.err().println("note: " + ephemerals + " ephemeral znodes belong to this shell's session and go away when it ends");
        }
    }

    private InputStream open(String file) throws ShellException, IOException {
        if (file.equals("-")) {
            InputStream stdin = shell.stdin();
            if (stdin == null) {
                throw new ShellException("import from - (stdin) works only in the non-interactive form");
            }
            return new java.io.FilterInputStream(stdin) {
                @Override
                public void close() {
                    // stdin stays open for whoever runs this shell.
                }
            };
        }
        return Files.newInputStream(Path.of(file));
    }
}
