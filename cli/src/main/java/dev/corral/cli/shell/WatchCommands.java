package dev.corral.cli.shell;

import dev.corral.client.AddWatchMode;
import dev.corral.client.CorralClient;
import dev.corral.client.EventType;
import dev.corral.client.WatcherType;
import dev.corral.client.KeeperException;
import dev.corral.client.WatchedEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Watches: zkCli's addWatch and removewatches (ZooKeeper 3.9: {@code cli/AddWatchCommand},
 * {@code cli/RemoveWatchesCommand}), and Corral's {@code watch}, which leaves a persistent watch and
 * prints each event as it comes, one line each ("NodeDataChanged /app/a zxid=0x1f"), until Enter or
 * Ctrl-C at the terminal, until {@code -n} events, or until the session ends (exit 1); it then removes
 * its watch. Across a lost connection it goes on, since the client sets the watch again on reconnecting.
 */
final class WatchCommands {
    /** zkCli's usage line for addWatch, which it also prints for a mode it does not know. */
    static final String ADD_WATCH_USAGE = "[-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - "
            + "default is PERSISTENT_RECURSIVE";
    /** How often {@code watch} looks at the keyboard between events. */
    private static final long KEY_POLL_MS = 50;

    private final Shell shell;

    WatchCommands(Shell shell) {
        this.shell = shell;
    }

    void addWatch(Args args) throws ShellException, KeeperException, InterruptedException {
        String usage = "addWatch " + ADD_WATCH_USAGE;
        if (args.operands().size() != 1) {
            throw new ShellException(usage);
        }
        AddWatchMode mode = AddWatchMode.PERSISTENT_RECURSIVE;
        if (args.has('m')) {
            mode = switch (args.value('m').toUpperCase(Locale.ROOT)) {
                case "PERSISTENT" -> AddWatchMode.PERSISTENT;
                case "PERSISTENT_RECURSIVE" -> AddWatchMode.PERSISTENT_RECURSIVE;
                default -> throw new ShellException(usage);
            };
        }
        shell.client().addWatch(args.operand(0), mode);
    }

    /** Removes this session's watches on a path: -c child, -d data, -p persistent, -r recursive, -a (default) any. */
    void removeWatches(Args args) throws ShellException, KeeperException, InterruptedException {
        WatcherType type = WatcherType.ANY;
        if (args.has('c')) {
            type = WatcherType.CHILDREN;
        } else if (args.has('d')) {
            type = WatcherType.DATA;
        } else if (args.has('p')) {
            type = WatcherType.PERSISTENT;
        } else if (args.has('r')) {
            type = WatcherType.PERSISTENT_RECURSIVE;
        }
        shell.client().removeWatches(args.operand(0), type);
    }

    void watch(Args args) throws ShellException, KeeperException, InterruptedException, IOException {
        CorralClient zk = shell.client();
        String path = args.operand(0);
        int count = args.intValue('n', -1, "events to print");
        if (args.has('n') && count <= 0) {
            throw new ShellException("-n argument must be a positive number of events, not " + count);
        }
        boolean recursive = args.has('R');
        PrintWriter out = shell.out();
        BlockingQueue<WatchedEvent> events = shell.startWatching();
        try {
            zk.addWatch(path, recursive ? AddWatchMode.PERSISTENT_RECURSIVE : AddWatchMode.PERSISTENT);
            shell.stopKey().begin();
            try {
                printEvents(events, count, path, out);
            } finally {
                shell.stopKey().end();
                if (zk.isConnected()) {
                    try {
                        zk.removeWatches(path, recursive ? WatcherType.PERSISTENT_RECURSIVE : WatcherType.PERSISTENT);
                    } catch (KeeperException e) {
                        // Gone already (the session ended, or removewatches ran meanwhile): nothing to undo.
                    }
                }
            }
        } finally {
            long dropped = shell.stopWatching();
            if (dropped > 0) {
                shell.err().println(dropped + " events came faster than they could be printed and were not shown");
            }
        }
    }

    /**
     * A lost connection does not stop the watch: the client resumes the session and sets the watch again,
     * so this says so on stderr and goes on. An ended session (Expired, Closed, AuthFailed) stops it.
     */
    private void onStateChange(WatchedEvent event, String path) throws ShellException {
        switch (event.state()) {
            case DISCONNECTED -> shell.err().println("Connection lost; still watching " + path + " once reconnected");
            case SYNC_CONNECTED -> shell.err().println("Reconnected; watching " + path);
            default -> throw new ShellException("Stopped watching " + path + ": the session ended (" + event.state().zooKeeperName() + ")");
        }
        shell.err().flush();
    }

    private void printEvents(BlockingQueue<WatchedEvent> events, int count, String path, PrintWriter out)
            throws ShellException, IOException {
        int printed = 0;
        while (count < 0 || printed < count) {
            WatchedEvent event;
            try {
                event = events.poll(KEY_POLL_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // Ctrl-C at the terminal: the user's way to stop watching, not a failure.
                return;
            }
            if (event != null && event.type() == EventType.NONE) {
                onStateChange(event, path);
            } else if (event != null) {
                out.println(event.type().zooKeeperName() + " " + event.path() + " zxid=0x" + Long.toHexString(event.zxid()));
                out.flush();
                printed++;
            }
            if (shell.stopKey().pressed()) {
                return;
            }
        }
    }
}
