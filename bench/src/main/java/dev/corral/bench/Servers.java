package dev.corral.bench;

import dev.corral.testkit.Directories;
import dev.corral.testkit.Ensemble;
import dev.corral.testkit.ServerProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The server processes one load run measures: one standalone server, or every member of an ensemble. A
 * run spreads its sessions over {@link #connectStrings()} (session i on member i mod n) and charges the
 * CPU of all of them to the operations, because in an ensemble every member does work for every write
 * (the leader proposes and commits, each follower logs and applies) and a read costs the member serving it.
 *
 * <p>A standalone server started with a TLS client port ({@link ServerOptions#startWithTls}) also has
 * {@link #connectStrings(boolean) connect strings} for it.
 *
 * <p>Invariant: {@link #processes()} is not empty and, for an ensemble, lists its members in server id order;
 * {@code securePorts} is empty or has one port per process, in the same order.
 */
final class Servers implements AutoCloseable {
    private final List<ServerProcess> processes;
    private final Ensemble ensemble;
    private final Path home;
    private final List<Integer> securePorts;

    private Servers(List<ServerProcess> processes, Ensemble ensemble, Path home, List<Integer> securePorts) {
        if (processes.isEmpty()) {
            throw new IllegalArgumentException("a run needs at least one server");
        }
        if (!securePorts.isEmpty() && securePorts.size() != processes.size()) {
            throw new IllegalArgumentException(processes.size() + " servers with " + securePorts.size() + " TLS ports");
        }
        this.processes = List.copyOf(processes);
        this.ensemble = ensemble;
        this.home = home;
        this.securePorts = List.copyOf(securePorts);
    }

    /** A standalone server whose home directory is deleted with it. */
    static Servers standalone(ServerProcess server, Path home) {
        return new Servers(List.of(server), null, home, List.of());
    }

    /** A standalone server with a TLS client port on 127.0.0.1:{@code securePort}; its home is deleted with it. */
    static Servers standaloneWithTls(ServerProcess server, Path home, int securePort) {
        return new Servers(List.of(server), null, home, List.of(securePort));
    }

    /** Every member of {@code ensemble}, which is closed with it. */
    static Servers ensemble(Ensemble ensemble) {
        return new Servers(ensemble.members().stream().map(m -> ensemble.process(m.serverId())).toList(), ensemble, null,
                List.of());
    }

    List<ServerProcess> processes() {
        return processes;
    }

    /** One connect string per server, in order; a session goes to one of them only, so the spread is exact. */
    List<String> connectStrings() {
        return processes.stream().map(ServerProcess::connectString).toList();
    }

    /** The connect strings of the TLS client ports ({@code tls}) or of the plain ones. */
    List<String> connectStrings(boolean tls) {
        if (!tls) {
            return connectStrings();
        }
        if (securePorts.isEmpty()) {
            throw new IllegalStateException("these servers were started without a TLS client port");
        }
        return securePorts.stream().map(port -> "127.0.0.1:" + port).toList();
    }

    List<Integer> ports() {
        return processes.stream().map(ServerProcess::port).toList();
    }

    /**
     * User + system CPU time of every server process together, JIT compiler threads apart; unknown when one is
     * gone or unknown.
     */
    ProcessStats.Cpu cpu() {
        ProcessStats.Cpu sum = new ProcessStats.Cpu(0, Map.of());
        for (ServerProcess process : processes) {
            sum = sum.plus(process.isAlive() ? ProcessStats.Cpu.of(process.pid()) : ProcessStats.Cpu.UNKNOWN);
        }
        return sum;
    }

    boolean allAlive() {
        return processes.stream().allMatch(ServerProcess::isAlive);
    }

    /** How each server that is no longer running ended, for a report. */
    String exitDescription() {
        return processes.stream().filter(p -> !p.isAlive())
                .map(p -> p.label() + " " + p.exitDescription()).collect(Collectors.joining("; "));
    }

    /** The last {@code bytesMax} bytes of each server's log, each under a line naming it. */
    String logText(int bytesMax) {
        if (processes.size() == 1) {
            return processes.get(0).logText(bytesMax);
        }
        return processes.stream().map(p -> "--- " + p.label() + " ---\n" + p.logText(bytesMax / processes.size()))
                .collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        if (ensemble != null) {
            ensemble.close();
        } else {
            processes.forEach(ServerProcess::close);
            Directories.deleteRecursively(home);
        }
    }
}
