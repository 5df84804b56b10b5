package dev.corral.cli.shell;

import dev.corral.client.CorralClient;
import dev.corral.client.KeeperException;
import dev.corral.client.WatchedEvent;
import dev.corral.server.CorralServer;
import dev.corral.wire.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The shell's state and its command table: one session (or none), the numbered commands of this run for
 * {@code history} and {@code redo}, and where output goes. It runs a command given as words and returns
 * the exit status a script sees: 0, or 1 with one message on the error writer. {@link InteractiveShell}
 * puts a JLine prompt in front of it, {@link ShellCommand} runs one command from the command line.
 *
 * <p>The commands, their options and their output are zkCli's (ZooKeeper 3.9: {@code ZooKeeperMain} and
 * {@code org.apache.zookeeper.cli}); {@code tree}, {@code export}, {@code import} and {@code watch} are
 * Corral's own. Where zkCli reports a failure but exits 0 (a command while not connected, a partial
 * {@code deleteall} or {@code setAcl -R}), this shell exits 1, since scripts are what the exit status is
 * for.
 *
 * <p>Watch notifications arrive on the client's reader thread: during {@code watch} they go to that
 * command's bounded queue, otherwise to the interactive shell's printer (zkCli's "WATCHER::" lines) if
 * {@code printwatches} is on; the non-interactive form has no printer and drops them.
 */
final class Shell implements AutoCloseable {
    /** How many events a running {@code watch} may have waiting to be printed; more are counted and dropped. */
    static final int WATCH_QUEUE_MAX = 10_000;
    /** How many numbered commands {@code redo} can reach back to. */
    static final int HISTORY_MAX = 1_000;

    /** What a command does with its parsed words. */
    @FunctionalInterface
    interface Action {
        void run(Args args) throws ShellException, KeeperException, InterruptedException, IOException;
    }

    /** A shell command: its name, its usage line as zkCli prints it, its options and its action. */
    record Verb(String name, String usage, String flags, String valued, int operandsMin, Action action) {}

    /**
     * Tells a running {@code watch} that the user asked it to stop (Enter or Ctrl-C at the terminal).
     * {@link #begin} and {@link #end} bracket the watch, so that the terminal can deliver keys one by one
     * meanwhile rather than line by line.
     */
    @FunctionalInterface
    interface StopKey {
        /** True if the key was pressed; waits briefly at most. */
        boolean pressed() throws IOException;

        default void begin() throws IOException {
        }

        default void end() {
        }
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final int timeoutMs;
    private final Map<String, Verb> verbs = new TreeMap<>();
    // Numbered commands of this run, zkCli's history map. Invariant: keys lie in
    // (commandCount - HISTORY_MAX, commandCount].
    private final Map<Integer, String> history = new HashMap<>();
    private int commandCount;
    private String server;
    private volatile CorralClient client;
    private volatile boolean printWatches = true;
    private volatile Consumer<String> notificationPrinter;
    private volatile BlockingQueue<WatchedEvent> watchQueue;
    private final AtomicLong watchEventsDropped = new AtomicLong();
    private StopKey stopKey = () -> false;
    private InputStream stdin;
    private boolean quit;
    private int lastExit;

    Shell(PrintWriter out, PrintWriter err, int timeoutMs) {
        this.out = out;
        this.err = err;
        this.timeoutMs = timeoutMs;
        ZnodeCommands znodes = new ZnodeCommands(this);
        AccessCommands access = new AccessCommands(this);
        WatchCommands watches = new WatchCommands(this);
        SubtreeCommands subtrees = new SubtreeCommands(this);
        add("connect", "host:port", "", "", 0, this::connect);
        add("close", "", "", "", 0, args -> close());
        add("quit", "", "", "", 0, args -> quit = true);
        add("exit", "", "", "", 0, args -> quit = true);
        add("history", "", "", "", 0, args -> history());
        add("redo", "cmdno", "", "", 1, this::redo);
        add("printwatches", "on|off", "", "", 0, this::printWatches);
        add("version", "", "", "", 0, args -> out.println("ZooKeeper CLI version: " + CorralServer.VERSION));
        add("help", "", "", "", 0, args -> usage(out));
        add("ls", "[-s] [-w] [-R] path", "swR", "", 1, znodes::ls);
        add("create", "[-s] [-e] [-c] [-t ttl] path [data] [acl]", "sec", "t", 1, znodes::create);
        add("get", "[-s] [-w] [-b] [-x] path", "swbx", "", 1, znodes::get);
        add("set", "[-s] [-v version] [-b] path data", "sb", "v", 2, znodes::set);
        add("delete", "[-v version] path", "", "v", 1, znodes::delete);
        add("deleteall", "path [-b batch size]", "", "b", 1, znodes::deleteAll);
        add("stat", "[-w] path", "w", "", 1, znodes::stat);
        add("sync", "path", "", "", 1, znodes::sync);
        add("config", "[-c] [-w] [-s]", "cws", "", 0, znodes::config);
        add("getAllChildrenNumber", "path", "", "", 1, znodes::getAllChildrenNumber);
        add("getEphemerals", "path", "", "", 0, znodes::getEphemerals);
        add("getAcl", "[-s] path", "s", "", 1, access::getAcl);
        add("setAcl", "[-s] [-v version] [-R] path acl", "sR", "v", 2, access::setAcl);
        add("addauth", "scheme auth", "", "", 1, access::addAuth);
        add("whoami", "", "", "", 0, access::whoAmI);
        add("addWatch", WatchCommands.ADD_WATCH_USAGE, "", "m", 1, watches::addWatch);
        add("removewatches", "path [-c|-d|-a]", "cdpral", "", 1, watches::removeWatches);
        add("watch", "[-R] [-n count] path # prints events until Enter or Ctrl-C", "R", "n", 1, watches::watch);
        add("tree", "[path]", "", "", 0, subtrees::tree);
        add("export", "path file.json|-", "", "", 2, subtrees::export);
        add("import", "file.json|- [path]", "", "", 1, subtrees::importTree);
    }

    private void add(String name, String usage, String flags, String valued, int operandsMin, Action action) {
        verbs.put(name, new Verb(name, usage, flags, valued, operandsMin, action));
    }

    // ---- running commands

    /** Runs one command given as words (its name first); prints what it prints and returns 0 or 1. */
    int run(List<String> words) {
        if (words.isEmpty()) {
            return lastExit;
        }
        int exit = 1;
        try {
            exit = dispatch(words);
        } finally {
            out.flush();
            err.flush();
        }
        lastExit = exit;
        return exit;
    }

    /** Runs one line typed at the prompt, numbering it for {@code history} and {@code redo} as zkCli does. */
    int executeLine(String line) {
        List<String> words = Words.split(line);
        if (words.isEmpty()) {
            return lastExit;
        }
        history.put(commandCount, line);
        history.remove(commandCount - HISTORY_MAX);
        int exit = run(words);
        commandCount++;
        return exit;
    }

    private int dispatch(List<String> words) {
        Verb verb = verbs.get(words.get(0));
        if (verb == null) {
            usage(err);
            err.println("Command not found " + words.get(0));
            return 1;
        }
        try {
            Args args = Args.parse(words.subList(1, words.size()), verb.flags(), verb.valued());
            if (args.operands().size() < verb.operandsMin()) {
                throw new ShellException(verb.name() + " " + verb.usage());
            }
            verb.action().run(args);
            return 0;
        } catch (ShellException e) {
            if (e.getMessage() != null) {
                err.println(e.getMessage());
            }
        } catch (KeeperException e) {
            err.println(describe(e));
        } catch (IllegalArgumentException e) {
            // A path the client refused before sending, with ZooKeeper's wording (MalformedPathException).
            err.println(e.getMessage());
        } catch (IllegalStateException e) {
            // One of the client's bounds: requests awaiting replies, watches or identities kept.
            err.println(e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            err.println(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("Interrupted");
        }
        return 1;
    }

    /** A server error worded as zkCli words it (ZooKeeper 3.9: {@code cli/CliWrapperException}). */
    static String describe(KeeperException e) {
        String path = e.path();
        return switch (e.code()) {
            case ErrorCode.NONODE -> "Node does not exist: " + path;
            case ErrorCode.NOCHILDRENFOREPHEMERALS -> "Ephemerals cannot have children: " + path;
            case ErrorCode.NODEEXISTS -> "Node already exists: " + path;
            case ErrorCode.NOTEMPTY -> "Node not empty: " + path;
            case ErrorCode.NOTREADONLY -> "Not a read-only call: " + path;
            case ErrorCode.INVALIDACL -> "Acl is not valid : " + path;
            case ErrorCode.NOAUTH -> "Insufficient permission : " + path;
            case ErrorCode.BADARGUMENTS -> "Arguments are not valid : " + path;
            case ErrorCode.BADVERSION -> "version No is not valid : " + path;
            case ErrorCode.QUOTAEXCEEDED -> "Quota has exceeded : " + path;
            default -> e.getMessage();
        };
    }

    void usage(PrintWriter to) {
        to.println("corral shell -server host:port -timeout ms cmd args");
        for (Verb verb : verbs.values()) {
            to.println("\t" + verb.name() + " " + verb.usage());
        }
    }

    // ---- state the commands share

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /**
     * The session, connected or reconnecting (a request then waits for the next attempt, as in zkCli), or
     * "Not connected" (zkCli's words) if there is none or it ended, with why when it expired or its auth
     * was refused, since only {@code connect} helps then.
     */
    CorralClient client() throws ShellException {
        CorralClient current = client;
        if (current == null) {
            throw new ShellException("Not connected");
        }
        if (current.isAlive()) {
            return current;
        }
        if (current.isExpired()) {
            throw new ShellException("Not connected: session 0x" + Long.toHexString(current.sessionId())
                    + " expired; connect starts a new one");
        }
        if (current.state() == CorralClient.State.AUTH_FAILED) {
            throw new ShellException("Not connected: the server refused an auth packet and closed the session");
        }
        throw new ShellException("Not connected");
    }

    /** The session for tab completion: null unless connected. */
    CorralClient clientOrNull() {
        CorralClient current = client;
        return current != null && current.isConnected() ? current : null;
    }

    /** The commands' names, sorted as zkCli sorts them, for completion. */
    List<String> commandNames() {
        return new ArrayList<>(verbs.keySet());
    }

    boolean quitRequested() {
        return quit;
    }

    int lastExit() {
        return lastExit;
    }

    /**
     * zkCli's prompt: "[zk: host:port/chroot(CONNECTED) 3] ", here with "corral"; the state is CONNECTING
     * while a lost connection is being resumed, CLOSED once the session was closed or expired.
     */
    String prompt() {
        CorralClient current = client;
        String state = current == null ? "NOT_CONNECTED" : current.state().name();
        return "[corral: " + (server == null ? "" : server) + "(" + state + ") " + commandCount + "] ";
    }

    /** Where the interactive shell prints notifications between commands; null prints none. */
    void printNotificationsTo(Consumer<String> printer) {
        this.notificationPrinter = printer;
    }

    /** Where {@code import -} reads from: stdin in the non-interactive form, none at the prompt. */
    void stdin(InputStream in) {
        this.stdin = in;
    }

    InputStream stdin() {
        return stdin;
    }

    void stopKey(StopKey key) {
        this.stopKey = key;
    }

    StopKey stopKey() {
        return stopKey;
    }

    /** Routes this session's notifications to a fresh queue until {@link #stopWatching}. */
    BlockingQueue<WatchedEvent> startWatching() {
        BlockingQueue<WatchedEvent> queue = new ArrayBlockingQueue<>(WATCH_QUEUE_MAX);
        watchEventsDropped.set(0);
        watchQueue = queue;
        return queue;
    }

    /** Stops routing notifications to {@code watch}; returns how many were dropped for want of room. */
    long stopWatching() {
        watchQueue = null;
        return watchEventsDropped.get();
    }

    private void onEvent(WatchedEvent event) {
        BlockingQueue<WatchedEvent> queue = watchQueue;
        if (queue != null) {
            if (!queue.offer(event)) {
                watchEventsDropped.incrementAndGet();
            }
            return;
        }
        Consumer<String> printer = notificationPrinter;
        if (printer != null && printWatches) {
            printer.accept("WATCHER::\n\n" + event);
        }
    }

    // ---- the shell's own commands

    /** Opens a session on {@code connectString}, closing the current one first. */
    void connect(String connectString) throws ShellException {
        close();
        client = null;
        server = connectString;
        try {
            client = CorralClient.connect(connectString, timeoutMs, this::onEvent);
        } catch (IOException | IllegalArgumentException e) {
            throw new ShellException(e.getMessage(), e);
        }
    }

    private void connect(Args args) throws ShellException {
        String target = args.operand(0) != null ? args.operand(0) : server;
        if (target == null) {
            throw new ShellException("connect host:port");
        }
        connect(target);
    }

    @Override
    public void close() {
        CorralClient current = client;
        if (current != null) {
            current.close();
        }
    }

    private void history() {
        for (int i = commandCount - 10; i <= commandCount; i++) {
            if (i >= 0 && history.containsKey(i)) {
                out.println(i + " - " + history.get(i));
            }
        }
    }

    private void redo(Args args) throws ShellException {
        int index;
        try {
            index = Integer.decode(args.operand(0));
        } catch (NumberFormatException e) {
            throw new ShellException("redo cmdno");
        }
        if (commandCount <= index || index < 0 || !history.containsKey(index)) {
            throw new ShellException("Command index out of range");
        }
        String line = history.get(index);
        List<String> words = Words.split(line);
        if (words.get(0).equals("redo")) {
            throw new ShellException("No redoing redos");
        }
        history.put(commandCount, line);
        if (dispatch(words) != 0) {
            throw ShellException.reported();
        }
    }

    private void printWatches(Args args) {
        if (args.operands().isEmpty()) {
            out.println("printwatches is " + (printWatches ? "on" : "off"));
        } else {
            printWatches = args.operand(0).equals("on");
        }
    }
}
