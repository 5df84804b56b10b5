package dev.corral.bench;

import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One load run against a server that is already running (Corral, ZooKeeper, or anything that speaks the
 * protocol): prints the human line and the JSON line. With {@code --server-pid} the server's CPU time per
 * operation is measured too, and the part of it the server JVM's JIT compiler threads spent.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Run one load spec against a running server and print its figures.")
final class LoadCommand implements Callable<Integer> {
    @Option(names = "--port", required = true, description = "client port on 127.0.0.1")
    int port;

    @Option(names = {"-w", "--workload"}, required = true,
            description = "a load spec, e.g. set, mixed:readRatio=0.5, raw-get:clients=64,threads=2")
    String specText;

    @Option(names = "--duration", description = "measured time (default ${DEFAULT-VALUE})")
    String duration = "10s";

    @Option(names = "--warmup", description = "unmeasured time before it (default ${DEFAULT-VALUE})")
    String warmup = "2s";

    @Option(names = "--server-pid", description = "pid of the server process, for CPU per operation")
    Long serverPid;

    @Option(names = "--root", description = "znode under which the run creates its data (default ${DEFAULT-VALUE})")
    String root = "/corral-bench";

    @Override
    public Integer call() throws Exception {
        LoadSpec spec = LoadSpec.parse(specText, LoadSpec.parseDurationMs(duration, "--duration"),
                LoadSpec.parseDurationMs(warmup, "--warmup"));
        if (spec.tls()) {
            throw new IllegalArgumentException(spec.label() + ": tls- workloads need the certificates and TLS port that"
                    + " compare sets up for both servers; run them with compare");
        }
        String root = this.root + "-" + Long.toHexString(System.currentTimeMillis());
        Supplier<ProcessStats.Cpu> cpu = serverPid == null ? () -> ProcessStats.Cpu.UNKNOWN : () -> ProcessStats.Cpu.of(serverPid);
        LoadResult result = spec.generator() == LoadSpec.Generator.RAW
                ? RawFrameLoad.run("server", 1, port, spec, root, cpu)
                : OfficialClientLoad.run("server", 1, "127.0.0.1:" + port, spec, root, cpu);
        System.out.println(result.toHuman());
        System.out.println(result.toJson());
        return result.clean() ? 0 : 1;
    }
}
