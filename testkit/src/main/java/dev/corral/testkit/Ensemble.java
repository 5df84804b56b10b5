package dev.corral.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An ensemble of server processes of one target on 127.0.0.1, set up as an operator sets up ZooKeeper: one
 * home per server with a zoo.cfg naming every member ({@code server.N=127.0.0.1:quorumPort:electionPort},
 * {@code :observer} for observers, whose own file also says {@code peerType=observer}) and a data directory
 * holding a {@code myid} file. Each member is its own JVM: ZooKeeper's {@code QuorumPeerMain}, or
 * {@code corral server --config}, as for a single server.
 *
 * <p>With {@link EnsembleSpec#withQuorumProxies} every member reaches every other member's quorum and election
 * ports through {@link TcpProxy}s of its own (a quorum and an election proxy per direction of each pair);
 * {@link #cutOff} cuts those of one member's links, as a network partition would.
 *
 * <p>Invariants: ports are distinct and were free when chosen; once {@link #start} returns every member
 * opens sessions (so a quorum has formed); {@link #restart} and {@link #restartAll} wait for the restarted
 * members to serve again. {@link #close} stops every member within a bound, closes the proxies, keeps the
 * members' logs and deletes the homes.
 */
public final class Ensemble implements AutoCloseable {
    private static final int START_ATTEMPTS_MAX = 3;
    private static final Duration MODE_POLL_INTERVAL = Duration.ofMillis(20);
    private static final int MODE_PROBE_TIMEOUT_MS = 500;

    /**
     * One server of the ensemble and its ports.
     *
     * @param serverId the N of its {@code server.N} line and the content of its {@code myid}
     * @param observer whether it is a non-voting observer
     */
    public record Member(int serverId, boolean observer, int clientPort, int quorumPort, int electionPort) {
        /** The right-hand side of its {@code server.N} line. */
        public String serverLine() {
            return "127.0.0.1:" + quorumPort + ":" + electionPort + (observer ? ":observer" : "");
        }

        public String connectString() {
            return "127.0.0.1:" + clientPort;
        }
    }

    private final EnsembleSpec spec;
    private final Path root;
    private final List<Member> members;
    private final Map<Integer, ServerProcess> processes = new LinkedHashMap<>();
    /** Every link's proxies; empty unless the spec asks for them. */
    private final List<TcpProxy> proxies = new ArrayList<>();
    /** viewer's id -> target's id -> the target with the ports of the proxies in front of it for that viewer. */
    private final Map<Integer, Map<Integer, Member>> throughProxies = new LinkedHashMap<>();
    /** A member's id -> the proxies of the links from it and to it. */
    private final Map<Integer, List<TcpProxy>> proxiesOfLinks = new LinkedHashMap<>();

    private Ensemble(EnsembleSpec spec, Path root, List<Member> members) {
        this.spec = spec;
        this.root = root;
        this.members = List.copyOf(members);
    }

    /**
     * Starts every member, then waits for each to serve. A port taken between choosing and binding it is
     * retried with new ports for every member, at most {@value #START_ATTEMPTS_MAX} times.
     */
    public static Ensemble start(EnsembleSpec spec) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS_MAX; attempt++) {
            Ensemble ensemble = new Ensemble(spec, Files.createTempDirectory("corral-" + spec.label() + "-"),
                    choosePorts(spec));
            try {
                ensemble.startProxies();
                ensemble.launchAll();
                ensemble.awaitAllServing();
                return ensemble;
            } catch (IOException e) {
                last = e;
                boolean portTaken = ensemble.processes.values().stream().anyMatch(ServerProcess::portTaken);
                ensemble.close();
                if (!portTaken) {
                    throw e;
                }
            } catch (RuntimeException | InterruptedException e) {
                ensemble.close();
                throw e;
            }
        }
        throw last;
    }

    private static List<Member> choosePorts(EnsembleSpec spec) throws IOException {
        List<Integer> ports = Ports.freeLoopbackPorts(3 * spec.size());
        List<Member> members = new ArrayList<>();
        for (int index = 0; index < spec.size(); index++) {
            members.add(new Member(index + 1, index >= spec.participants(), ports.get(3 * index),
                    ports.get(3 * index + 1), ports.get(3 * index + 2)));
        }
        return members;
    }

    /** The zoo.cfg of {@code self}, in the order ZooKeeper's documentation and operators write it. */
    static ZooCfg zooCfg(EnsembleSpec spec, List<Member> members, Member self, Path dataDirectory) {
        ZooCfg config = new ZooCfg()
                .put("tickTime", Integer.toString(spec.tickMs()))
                .put("initLimit", Integer.toString(spec.initLimit()))
                .put("syncLimit", Integer.toString(spec.syncLimit()))
                .put("dataDir", dataDirectory.toString())
                .put("clientPort", Integer.toString(self.clientPort()))
                .put("clientPortAddress", "127.0.0.1")
                .put("4lw.commands.whitelist", "*")
                .put("admin.enableServer", "false");
        if (self.observer()) {
            config.put("peerType", "observer");
        }
        config.putAll(spec.config());
        for (Member member : members) {
            config.put("server." + member.serverId(), member.serverLine());
        }
        return config;
    }

    private void startProxies() throws IOException {
        if (!spec.quorumProxied()) {
            return;
        }
        for (Member viewer : members) {
            for (Member target : members) {
                if (viewer.serverId() == target.serverId()) {
                    continue;
                }
                TcpProxy quorum = TcpProxy.start(target.quorumPort());
                TcpProxy election = TcpProxy.start(target.electionPort());
                for (TcpProxy proxy : List.of(quorum, election)) {
                    proxies.add(proxy);
                    proxiesOfLinks.computeIfAbsent(viewer.serverId(), id -> new ArrayList<>()).add(proxy);
                    proxiesOfLinks.computeIfAbsent(target.serverId(), id -> new ArrayList<>()).add(proxy);
                }
                throughProxies.computeIfAbsent(viewer.serverId(), id -> new LinkedHashMap<>()).put(target.serverId(),
                        new Member(target.serverId(), target.observer(), target.clientPort(), quorum.port(), election.port()));
            }
        }
    }

    /**
     * The members as {@code self}'s zoo.cfg names them: itself with its own ports (it binds them), every other
     * member as {@code view} has it (through proxies), or with its own ports if the view has none.
     */
    static List<Member> viewOf(Member self, List<Member> members, Map<Integer, Member> view) {
        return members.stream().map(member -> member.serverId() != self.serverId() && view.containsKey(member.serverId())
                ? view.get(member.serverId()) : member).toList();
    }

    private void launchAll() throws IOException {
        for (Member member : members) {
            Path home = Files.createDirectories(root.resolve("server" + member.serverId()));
            Path dataDirectory = Files.createDirectories(home.resolve("data"));
            Files.writeString(dataDirectory.resolve("myid"), member.serverId() + "\n", StandardCharsets.US_ASCII);
            Launch launch = Launch.of(spec.target(), spec.runtime(), home, zooCfg(spec,
                            viewOf(member, members, throughProxies.getOrDefault(member.serverId(), Map.of())), member, dataDirectory),
                            spec.label() + "-server" + member.serverId())
                    .withJvmOptions(spec.jvmOptions())
                    .withLogsDirectory(spec.logsDirectory())
                    .withStartupBound(spec.startupBound());
            processes.put(member.serverId(), ServerProcess.launch(launch));
        }
    }

    private void awaitAllServing() throws IOException, InterruptedException {
        for (ServerProcess process : processes.values()) {
            process.awaitServing();
        }
    }

    public EnsembleSpec spec() {
        return spec;
    }

    public List<Member> members() {
        return members;
    }

    public Member member(int serverId) {
        return members.stream().filter(m -> m.serverId() == serverId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no server " + serverId + " in " + members));
    }

    public ServerProcess process(int serverId) {
        member(serverId);
        return processes.get(serverId);
    }

    /** A connect string naming every member, participants and observers, in server id order. */
    public String connectString() {
        return members.stream().map(Member::connectString).collect(Collectors.joining(","));
    }

    /** Kills member {@code serverId} with SIGKILL and waits for it to be gone. */
    public void kill(int serverId) throws InterruptedException {
        process(serverId).kill();
    }

    /** Starts a killed member again with its zoo.cfg and data, and waits until it serves (it has rejoined a quorum). */
    public void restart(int serverId) throws IOException, InterruptedException {
        process(serverId).restart();
    }

    /** The data directory of member {@code serverId} (dataDir of its zoo.cfg). */
    public Path dataDirectory(int serverId) {
        member(serverId);
        return root.resolve("server" + serverId).resolve("data");
    }

    /**
     * Empties the data directory of member {@code serverId}, which must be down, but for its myid file: the
     * member's disk was lost and replaced, and the operator wrote myid again.
     */
    public void wipeData(int serverId) throws IOException {
        if (process(serverId).isAlive()) {
            throw new IllegalStateException("server " + serverId + " is running: stop or kill it before wiping its data");
        }
        Path dataDirectory = dataDirectory(serverId);
        try (var entries = Files.list(dataDirectory)) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals("myid")) {
                    Directories.deleteRecursively(entry);
                }
            }
        }
    }

    /** Stops member {@code serverId} with SIGTERM, as an operator's stop script does, and waits for it to be gone. */
    public void stop(int serverId) throws InterruptedException {
        process(serverId).stop();
    }

    /** Kills every member with SIGKILL, one after another, each gone before the next is killed. */
    public void killAll() throws InterruptedException {
        for (Member member : members) {
            kill(member.serverId());
        }
    }

    /**
     * Starts every member that is down again with its zoo.cfg and data, all before waiting for any (a member
     * alone cannot serve), then waits until each serves.
     */
    public void restartAll() throws IOException, InterruptedException {
        for (ServerProcess process : processes.values()) {
            if (!process.isAlive()) {
                process.relaunch();
            }
        }
        awaitAllServing();
    }

    /**
     * Cuts member {@code serverId} off from the others: the proxies of its quorum and election links, both
     * directions, close their connections and each new one as soon as it is accepted, until {@link #reconnect}.
     * Its client port stays open.
     */
    public void cutOff(int serverId) {
        requireProxies(serverId).forEach(TcpProxy::cut);
    }

    /** Ends {@link #cutOff}: every link of member {@code serverId} (to a member cut off too, as well) connects again. */
    public void reconnect(int serverId) {
        requireProxies(serverId).forEach(TcpProxy::restore);
    }

    private List<TcpProxy> requireProxies(int serverId) {
        member(serverId);
        if (proxies.isEmpty()) {
            throw new IllegalStateException("the ensemble's links run through no proxies (EnsembleSpec#withQuorumProxies)");
        }
        return proxiesOfLinks.get(serverId);
    }

    /** The mode member {@code serverId} reports in {@code srvr}; empty while it does not serve or is down. */
    public Optional<String> mode(int serverId) {
        ServerProcess process = process(serverId);
        return process.isAlive() ? ServerProbe.mode(process.port(), MODE_PROBE_TIMEOUT_MS) : Optional.empty();
    }

    /** Every member's mode now, "down" or "not serving" where there is none: for messages. */
    public Map<Integer, String> modes() {
        Map<Integer, String> modes = new LinkedHashMap<>();
        for (Member member : members) {
            modes.put(member.serverId(), process(member.serverId()).isAlive()
                    ? mode(member.serverId()).orElse("not serving") : "down");
        }
        return modes;
    }

    /**
     * Waits at most {@code bound} until the running members agree: exactly one says {@code Mode: leader},
     * every other running participant {@code follower} and every running observer {@code observer}. Returns
     * the leader's server id; an IllegalStateException naming every member's mode when the bound passes.
     */
    public int awaitLeader(Duration bound) throws InterruptedException {
        int[] leader = {0};
        boolean agreed = Poll.until(bound, MODE_POLL_INTERVAL, () -> {
            int leaders = 0;
            for (Member member : members) {
                if (!process(member.serverId()).isAlive()) {
                    continue;
                }
                String mode = mode(member.serverId()).orElse("");
                if (mode.equals("leader")) {
                    leaders++;
                    leader[0] = member.serverId();
                } else if (!mode.equals(member.observer() ? "observer" : "follower")) {
                    return false;
                }
            }
            return leaders == 1;
        });
        if (!agreed) {
            throw new IllegalStateException("no single leader with every other running member following within "
                    + bound.toMillis() + " ms; modes: " + modes());
        }
        return leader[0];
    }

    /** Stops every member (bounded), closes the proxies, keeps the logs and deletes the ensemble's directories. */
    @Override
    public void close() {
        processes.values().forEach(ServerProcess::close);
        proxies.forEach(TcpProxy::close);
        Directories.deleteRecursively(root);
    }
}
