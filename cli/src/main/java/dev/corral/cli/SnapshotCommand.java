package dev.corral.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.corral.server.ConfigException;
import dev.corral.storage.SnapshotFile;
import dev.corral.storage.Snapshots;
import dev.corral.storage.StorageException;
import dev.corral.tree.DataTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code corral snapshot}: summarizes a snapshot and dumps a subtree of it, as ZooKeeper's
 * SnapshotFormatter does. By default it reads the snapshot a restarting server would load: the newest
 * one that reads back whole. Reading never changes a file.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Summarize a snapshot and dump its znodes (as ZooKeeper's SnapshotFormatter).",
            "Without FILE it reads the newest snapshot that reads back whole, from ./data unless told otherwise.",
            "The summary gives the zxid, znode count, data size, whether the tree digest matches, and each session",
            "with its timeout and number of ephemerals; the dump gives each znode's path, stat, data size and ACL."},
        footer = {"", "Exit status: 0 ok, 1 no readable snapshot or a digest mismatch, 2 bad usage."})
final class SnapshotCommand extends ToolCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "a snapshot file (snapshot.<zxid>.snap)")
    Path file;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "the server's dataDir (snapshots are in DIR/corral-snap)")
    Path dataDir;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "a zoo.cfg; its dataDir is read")
    Path config;

    @Option(names = "--summary", description = "the summary only, no znodes")
    boolean summaryOnly;

    @Option(names = "--path", paramLabel = "SUBTREE", description = "dump only this znode and its descendants (default /)")
    String path = "/";

    @Option(names = "--json", description = "one JSON document: the summary, and the znodes in \"znodes\"")
    boolean json;

    @Override
    void run() throws ToolFailure, IOException, ConfigException {
        if (file != null && (dataDir != null || config != null) || dataDir != null && config != null) {
            throw new ParameterException(spec.commandLine(), "give one of FILE, --data-dir and --config");
        }
        if (!path.startsWith("/") || path.length() > 1 && path.endsWith("/")) {
            throw new ParameterException(spec.commandLine(), "--path takes a znode path such as /app, not '" + path + "'");
        }
        SnapshotFile.Loaded snapshot = file != null ? readFile(file) : newestValid(selectDir());
        SnapshotView.Summary summary = SnapshotView.summarize(snapshot);
        DataTree tree = null;
        if (summary.digestOk() && !summaryOnly) {
            tree = treeOf(snapshot);
            if (tree.node(path) == null) {
                throw new ToolFailure("snapshot " + snapshot.file() + " has no znode " + path);
            }
        }
        if (json) {
            writeJson(summary, tree);
        } else {
            SnapshotView.summaryText(summary).forEach(out()::println);
            if (tree != null) {
                out().println();
                out().println("ZNode Details (" + (path.equals("/") ? "count=" + tree.nodeCount() : "subtree " + path) + "):");
                for (String znode : SnapshotView.subtree(tree, path)) {
                    SnapshotView.znodeText(znode, tree.node(znode)).forEach(out()::println);
                }
            }
        }
        if (!summary.digestOk()) {
            throw new ToolFailure("snapshot " + snapshot.file() + " fails its digest check: it stores "
                    + Formats.hex(summary.storedDigest()) + " but its nodes hash to " + Formats.hex(summary.computedDigest()));
        }
    }

    private Path selectDir() throws ConfigException, ToolFailure {
        Path snapshotDir = dataDir != null ? DataDirs.of(dataDir, null).snapshotDir() : DataDirs.fromConfig(config).snapshotDir();
        DataDirs.requireDirectory(snapshotDir, "snapshot directory");
        return snapshotDir;
    }

    private static SnapshotFile.Loaded readFile(Path file) throws ToolFailure {
        if (!Files.isRegularFile(file)) {
            throw new ToolFailure("snapshot " + file + (Files.exists(file) ? " is not a regular file" : " does not exist"));
        }
        try {
            return SnapshotFile.read(file);
        } catch (StorageException e) {
            throw new ToolFailure(e.getMessage(), e);
        }
    }

    /** The newest snapshot that reads back whole, as recovery picks it; skipped ones are noted. */
    private SnapshotFile.Loaded newestValid(Path snapshotDir) throws ToolFailure {
        List<Path> files;
        try {
            files = Snapshots.list(snapshotDir);
        } catch (StorageException e) {
            throw new ToolFailure(e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new ToolFailure("no snapshot in " + snapshotDir);
        }
        for (Path candidate : files) {
            try {
                return SnapshotFile.read(candidate);
            } catch (StorageException e) {
                note("skipping " + candidate + ", as recovery would: " + e.getMessage());
            }
        }
        throw new ToolFailure("no snapshot in " + snapshotDir + " reads back whole (" + files.size() + " tried)");
    }

    private static DataTree treeOf(SnapshotFile.Loaded snapshot) throws ToolFailure {
        try {
            return SnapshotView.tree(snapshot);
        } catch (IllegalStateException e) {
            throw new ToolFailure("snapshot " + snapshot.file() + " does not form a tree: " + e.getMessage(), e);
        }
    }

    /** Streams the document, so a large tree is not built twice in memory. */
    private void writeJson(SnapshotView.Summary summary, DataTree tree) throws IOException {
        try (JsonGenerator generator = Json.generator(out())) {
            generator.writeStartObject();
            for (Map.Entry<String, Object> field : SnapshotView.summaryJson(summary).entrySet()) {
                generator.writeObjectField(field.getKey(), field.getValue());
            }
            if (tree != null) {
                generator.writeStringField("path", path);
                generator.writeArrayFieldStart("znodes");
                for (String znode : SnapshotView.subtree(tree, path)) {
                    generator.writeObject(SnapshotView.znodeJson(znode, tree.node(znode)));
                }
                generator.writeEndArray();
            }
            generator.writeEndObject();
        }
        out().println();
    }
}
