package dev.corral.cli;

import dev.corral.server.ConfigException;
import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a server keeps its files, found the way the server finds them: snapshots in
 * {@code <dataDir>/corral-snap}, log segments in {@code <dataLogDir>/corral-wal} (dataLogDir defaults to
 * dataDir, as in ZooKeeper), and the lock a running server holds in {@code <dataDir>/corral.lock}.
 *
 * @param snapRetainCount the zoo.cfg's {@code autopurge.snapRetainCount}, or ZooKeeper's default 3
 */
record DataDirs(Path dataDir, Path dataLogDir, int snapRetainCount) {
    /** The lock file name; {@code dev.corral.server.DataDirLock.FILE} (package-private there). */
    static final String LOCK_FILE = "corral.lock";
    private static final int DEFAULT_RETAIN_COUNT = 3;

    /** The directories a zoo.cfg names, or, without one, those of {@code corral server}'s defaults. */
    static DataDirs fromConfig(Path config) throws ConfigException {
        ServerConfig serverConfig = config == null ? ServerConfig.defaults() : ServerConfig.load(config);
        return new DataDirs(serverConfig.dataDir(), serverConfig.dataLogDir(), serverConfig.snapRetainCount());
    }

    /** Directories named on the command line; the log's defaults to the data directory. */
    static DataDirs of(Path dataDir, Path dataLogDir) {
        return new DataDirs(dataDir, dataLogDir == null ? dataDir : dataLogDir, DEFAULT_RETAIN_COUNT);
    }

    Path snapshotDir() {
        return storageDir(dataDir, CorralServer.SNAPSHOT_DIR);
    }

    Path logDir() {
        return storageDir(dataLogDir, CorralServer.LOG_DIR);
    }

    Path lockFile() {
        return dataDir.resolve(LOCK_FILE);
    }

    /**
     * {@code dir/sub}; or {@code dir} itself when the operator named the storage directory rather than
     * the data directory above it, an easy slip that need not be an error.
     */
    private static Path storageDir(Path dir, String sub) {
        Path name = dir.getFileName();
        return name != null && name.toString().equals(sub) ? dir : dir.resolve(sub);
    }

    /** Fails unless {@code dir} is an existing directory, naming what it was meant to be. */
    static void requireDirectory(Path dir, String what) throws ToolFailure {
        if (!Files.isDirectory(dir)) {
            throw new ToolFailure(what + " " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist"));
        }
    }
}
