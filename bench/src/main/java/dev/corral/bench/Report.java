package dev.corral.bench;

import dev.corral.testkit.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The Markdown report of a side-by-side run: how it was made, the medians with Corral/ZooKeeper ratios,
 * footprint and recovery figures, the problems seen (with server log excerpts), the charts and every run.
 * Pure: it formats what it is given and does no I/O.
 */
final class Report {
    /** Something that went wrong in a run, with what the server logged about it. */
    record Problem(String run, String what, String logExcerpt) {}

    /**
     * Everything a report shows.
     *
     * @param title       first heading, with the time of the run
     * @param command     the command that made it
     * @param settings    one line per setting (pairs, durations, heap, zoo.cfg, order)
     * @param charts      PNG file names written next to the report
     * @param chartsNote  why charts are missing, or null
     */
    record Input(String title, String command, List<String> settings, MachineInfo machine, List<LoadResult> results,
            List<Footprint.Result> footprints, List<Problem> problems, List<String> charts, String chartsNote) {}

    private Report() {}

    static String markdown(Input input) {
        StringBuilder md = new StringBuilder();
        List<Summary> summaries = Summary.of(input.results());
        md.append("# ").append(input.title()).append("\n\n");
        md.append("Made by `").append(input.command()).append("`.\n\n");
        MachineInfo machine = input.machine();
        md.append("- Machine: ").append(machine.cpu()).append(", ").append(machine.logicalCpus()).append(" logical CPUs, ")
                .append(machine.memoryBytes() < 0 ? "?" : (machine.memoryBytes() >> 30) + " GiB").append(" RAM, ")
                .append(machine.kernel()).append('\n');
        md.append("- JDK (servers and load generators): ").append(machine.jdk()).append('\n');
        md.append("- Apache ZooKeeper: ").append(machine.zookeeperVersion()).append(" (server and client, Maven jars)\n");
        md.append("- Corral: ").append(machine.corralVersion()).append('\n');
        for (String setting : input.settings()) {
            md.append("- ").append(setting).append('\n');
        }
        md.append("\nEvery ratio is Corral / ZooKeeper: above 1 is better for throughput, below 1 is better for latency,"
                + " CPU and memory. Figures are medians of the runs; spread is (max - min) / median of throughput.\n\n");

        if (!summaries.isEmpty()) {
            throughputTable(md, summaries);
            latencyTable(md, summaries);
            md.append("Workloads:\n\n");
            for (Summary summary : summaries) {
                md.append("- `").append(summary.spec()).append("`: ").append(summary.description()).append('\n');
            }
            md.append('\n');
            tlsLines(md, input.results());
        }
        if (!input.footprints().isEmpty()) {
            footprintTable(md, input.footprints());
        }
        notes(md, input);
        problems(md, input.problems());
        if (!input.charts().isEmpty() || input.chartsNote() != null) {
            md.append("## Charts\n\n");
            if (input.chartsNote() != null) {
                md.append(input.chartsNote()).append("\n\n");
            }
            for (String chart : input.charts()) {
                md.append("![").append(chart.replace(".png", "")).append("](").append(chart).append(")\n\n");
            }
        }
        runsTable(md, input.results());
        return md.toString();
    }

    static void throughputTable(StringBuilder md, List<Summary> summaries) {
        md.append("## Throughput and server CPU per operation\n\n");
        md.append("| workload | ZooKeeper ops/s | Corral ops/s | Corral/ZK | spread ZK | spread Corral "
                + "| ZK CPU µs/op | Corral CPU µs/op | Corral/ZK | of it JIT ZK / Corral | Corral/ZK less JIT "
                + "| client cores ZK / Corral |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Summary s : summaries) {
            Summary.Figures zk = s.zookeeper();
            Summary.Figures corral = s.corral();
            md.append("| `").append(s.spec()).append("` | ")
                    .append(count(zk.opsPerSecond())).append(" | ").append(count(corral.opsPerSecond())).append(" | ")
                    .append(ratio(corral.opsPerSecond(), zk.opsPerSecond())).append(" | ")
                    .append(percent(zk.spread())).append(" | ").append(percent(corral.spread())).append(" | ")
                    .append(decimal(zk.serverCpuUsPerOp())).append(" | ").append(decimal(corral.serverCpuUsPerOp())).append(" | ")
                    .append(ratio(corral.serverCpuUsPerOp(), zk.serverCpuUsPerOp())).append(" | ")
                    .append(decimal(zk.serverJitCpuUsPerOp())).append(" / ").append(decimal(corral.serverJitCpuUsPerOp()))
                    .append(" | ").append(ratio(corral.serverCpuLessJitUsPerOp(), zk.serverCpuLessJitUsPerOp())).append(" | ")
                    .append(decimal(zk.clientCpuCores())).append(" / ").append(decimal(corral.clientCpuCores())).append(" |\n");
        }
        md.append('\n');
    }

    private static void latencyTable(StringBuilder md, List<Summary> summaries) {
        md.append("## Latency (ms)\n\n");
        md.append("| workload | p50 ZK | p50 Corral | Corral/ZK | p99 ZK | p99 Corral | Corral/ZK "
                + "| p99.9 ZK | p99.9 Corral | Corral/ZK | max ZK | max Corral | Corral/ZK |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Summary s : summaries) {
            md.append("| `").append(s.spec()).append('`');
            List<ToDoubleFunction<Summary.Figures>> percentiles = List.of(Summary.Figures::p50Us, Summary.Figures::p99Us,
                    Summary.Figures::p999Us, Summary.Figures::maxUs);
            for (ToDoubleFunction<Summary.Figures> percentile : percentiles) {
                double zk = percentile.applyAsDouble(s.zookeeper());
                double corral = percentile.applyAsDouble(s.corral());
                md.append(" | ").append(millis(zk)).append(" | ").append(millis(corral)).append(" | ").append(ratio(corral, zk));
            }
            md.append(" |\n");
        }
        md.append('\n');
    }

    /**
     * What the sessions of the {@code tls-} runs negotiated, per workload and server, with the number of runs of
     * each; a run without it failed before its window. Both servers must show the same, or the line says so.
     */
    static void tlsLines(StringBuilder md, List<LoadResult> results) {
        Map<String, List<LoadResult>> bySpec = new LinkedHashMap<>();
        for (LoadResult result : results) {
            if (result.spec().startsWith("tls-")) {
                bySpec.computeIfAbsent(result.spec(), k -> new ArrayList<>()).add(result);
            }
        }
        if (bySpec.isEmpty()) {
            return;
        }
        md.append("Over TLS, as negotiated by every session of each run (checked on both ends before its warm-up: the"
                + " client's TLS handshake, the server's whoAmI naming the client certificate):\n\n");
        bySpec.forEach((spec, runs) -> {
            Map<String, Map<String, Integer>> byServer = new LinkedHashMap<>();
            for (Target kind : Target.values()) {
                Map<String, Integer> counts = new TreeMap<>();
                runs.stream().filter(r -> r.server().equals(kind.id()))
                        .forEach(r -> counts.merge(r.tls() == null ? "not measured" : r.tls(), 1, Integer::sum));
                byServer.put(kind.displayName(), counts);
            }
            md.append("- `").append(spec).append("`: ");
            List<String> parts = new ArrayList<>();
            byServer.forEach((server, counts) -> parts.add(server + " " + counts.entrySet().stream()
                    .map(e -> e.getKey() + " (" + e.getValue() + (e.getValue() == 1 ? " run)" : " runs)"))
                    .collect(java.util.stream.Collectors.joining(", "))));
            md.append(String.join("; ", parts));
            if (byServer.values().stream().map(Map::keySet).distinct().count() > 1) {
                md.append(" — **the servers' runs differ**");
            }
            md.append('\n');
        });
        md.append('\n');
    }

    private static void footprintTable(StringBuilder md, List<Footprint.Result> footprints) {
        List<Footprint.Result> zk = footprints.stream()
                .filter(f -> f.server().equals(Target.ZOOKEEPER.id()) && f.failure() == null).toList();
        List<Footprint.Result> corral = footprints.stream()
                .filter(f -> f.server().equals(Target.CORRAL.id()) && f.failure() == null).toList();
        int znodes = footprints.get(0).znodes();
        md.append("## Footprint and recovery (").append(count(znodes)).append(" znodes of ").append(Footprint.VALUE_BYTES)
                .append(" bytes, medians of ").append(Math.max(zk.size(), corral.size())).append(" runs)\n\n");
        md.append("| figure | ZooKeeper | Corral | Corral/ZK |\n|---|---:|---:|---:|\n");
        footprintRow(md, "Java heap per znode after GC (bytes)", zk, corral, Footprint.Result::heapBytesPerZnode, false);
        footprintRow(md, "resident memory per znode after GC (bytes)", zk, corral, Footprint.Result::residentBytesPerZnode, false);
        footprintRowLong(md, "data directory (MB)", zk, corral, f -> f.dataDirBytes() < 0 ? -1 : f.dataDirBytes() >> 20);
        footprintRowLong(md, "start, empty (ms)", zk, corral, Footprint.Result::startMillis);
        footprintRowLong(md, "restart with the znodes (ms, to the first session)", zk, corral, Footprint.Result::restartMillis);
        footprintRowLong(md, "znodes recovered by the restart", zk, corral, Footprint.Result::recoveredZnodes);
        footprintRow(md, "populate throughput (creates/s, 1 client, window 256)", zk, corral,
                Footprint.Result::populateOpsPerSecond, true);
        footprintRow(md, "longest write stall while populating (ms)", zk, corral, Footprint.Result::longestWriteStallMs, false);
        footprintRow(md, "p99.9 of creates while populating (ms)", zk, corral, Footprint.Result::writeP999Ms, false);
        footprintRow(md, "p99.9 of creates during a snapshot (ms)", zk, corral, Footprint.Result::snapshotWriteP999Ms, false);
        footprintRow(md, "snapshots written while populating", zk, corral, f -> f.snapshotsSeen() < 0 ? Double.NaN : f.snapshotsSeen(),
                true);
        footprintRow(md, "creates in flight during a snapshot", zk, corral,
                f -> f.writesDuringSnapshots() < 0 ? Double.NaN : f.writesDuringSnapshots(), true);
        md.append('\n');
    }

    private static void footprintRow(StringBuilder md, String figure, List<Footprint.Result> zk,
            List<Footprint.Result> corral, ToDoubleFunction<Footprint.Result> value, boolean asCount) {
        double[] zs = zk.stream().mapToDouble(value).toArray();
        double[] cs = corral.stream().mapToDouble(value).toArray();
        double z = Summary.median(zs);
        double c = Summary.median(cs);
        md.append("| ").append(figure).append(" | ").append(footprintCell(z, zs, asCount)).append(" | ")
                .append(footprintCell(c, cs, asCount)).append(" | ").append(ratio(c, z)).append(" |\n");
    }

    /** The median, and with more than one run the lowest and highest in brackets, as the spread to read it by. */
    static String footprintCell(double median, double[] values, boolean asCount) {
        String cell = asCount ? count(median) : decimal(median);
        double[] known = java.util.Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
        if (known.length < 2) {
            return cell;
        }
        double low = java.util.Arrays.stream(known).min().orElseThrow();
        double high = java.util.Arrays.stream(known).max().orElseThrow();
        return cell + " (" + (asCount ? count(low) : decimal(low)) + "–" + (asCount ? count(high) : decimal(high)) + ")";
    }

    private static void footprintRowLong(StringBuilder md, String figure, List<Footprint.Result> zk,
            List<Footprint.Result> corral, ToLongFunction<Footprint.Result> value) {
        footprintRow(md, figure, zk, corral, f -> value.applyAsLong(f) < 0 ? Double.NaN : value.applyAsLong(f), true);
    }

    private static void notes(StringBuilder md, Input input) {
        md.append("## Notes\n\n");
        md.append("- Both servers run standalone (one server each), in their own JVM, with the same JDK and -Xmx, a fresh"
                + " data directory, and zoo.cfg `tickTime=2000`, `forceSync=yes`. ZooKeeper fsyncs its transaction log"
                + " before acknowledging a write (and snapshots every snapCount transactions: 100,000 unless the settings above say otherwise).\n");
        List<Footprint.Result> corral = input.footprints().stream()
                .filter(f -> f.server().equals(Target.CORRAL.id()) && f.failure() == null).toList();
        if (corral.isEmpty()) {
            md.append("- Whether Corral's writes are durable was not measured in this run (no footprint run). At the time"
                    + " the suite was written Corral kept its tree in memory only, so fsync settings did not apply to it"
                    + " and its write figures included no durable log.\n");
        } else if (corral.stream().allMatch(f -> f.recoveredZnodes() == f.znodes())) {
            md.append("- Corral recovered all its znodes after a restart, so its writes went through a durable log.\n");
        } else {
            md.append("- **Corral recovered ").append(corral.get(0).recoveredZnodes()).append(" of ")
                    .append(corral.get(0).znodes()).append(" znodes after a restart: it keeps its tree in memory only."
                            + " Fsync settings do not apply to it yet, so its write figures include no durable log and"
                            + " are not comparable with ZooKeeper's fsynced writes; restart time and data directory size"
                            + " mean nothing for it until it has storage.**\n");
        }
        md.append("- The load generators run in the runner's JVM on the same machine, so they compete with the server"
                + " for the CPUs. `client cores` is the CPU the generator JVM used during the window; near the"
                + " machine's core count, the client, not the server, bounds throughput. Server CPU per operation"
                + " (user + system time of the server process from /proc, over the measured window) stays meaningful"
                + " then.\n");
        md.append("- `of it JIT` is the part of the server CPU per operation that the server JVM's JIT compiler threads"
                + " (HotSpot's C1 and C2 CompilerThreads, each thread's /proc task stat over the window) spent compiling"
                + " rather than serving; `Corral/ZK less JIT` is the CPU ratio without it, from the medians of both"
                + " columns. It weighs most at low operation rates and in short runs, where compiling is not over yet."
                + " HotSpot stops compiler threads it no longer needs, and one stopped in the window takes its time"
                + " out of this figure but not out of the total, so the JIT part is a lower bound; – where /proc could not"
                + " tell it.\n");
        md.append("- `official` runs use ZooKeeper's own Java client (async API, a bounded window of requests in flight"
                + " per session); `raw-` runs pipeline pre-encoded frames on Netty with many sessions per thread.\n");
        md.append("- The machine is shared: compare ratios, not absolute figures, across reports.\n\n");
    }

    private static void problems(StringBuilder md, List<Problem> problems) {
        md.append("## Problems\n\n");
        if (problems.isEmpty()) {
            md.append("None: every run completed with no error, stall or unanswered request.\n\n");
            return;
        }
        for (Problem problem : problems) {
            md.append("- **").append(problem.run()).append("**: ").append(problem.what()).append('\n');
            if (problem.logExcerpt() != null && !problem.logExcerpt().isBlank()) {
                md.append("\n  ```\n");
                for (String line : problem.logExcerpt().split("\n")) {
                    md.append("  ").append(line).append('\n');
                }
                md.append("  ```\n");
            }
        }
        md.append('\n');
    }

    static void runsTable(StringBuilder md, List<LoadResult> results) {
        if (results.isEmpty()) {
            return;
        }
        md.append("## Every run\n\nIn the order they ran; all figures are in `runs.jsonl`.\n\n");
        md.append("| workload | server | # | ops/s | p50 ms | p99 ms | p99.9 ms | server CPU µs/op | of it JIT "
                + "| client cores | load avg | errors | stalls |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (LoadResult r : results) {
            md.append("| `").append(r.spec()).append("` | ").append(r.server()).append(" | ").append(r.rep()).append(" | ")
                    .append(count(r.opsPerSecond())).append(" | ").append(millis(r.p50Us())).append(" | ")
                    .append(millis(r.p99Us())).append(" | ").append(millis(r.p999Us())).append(" | ")
                    .append(decimal(r.serverCpuUsPerOp())).append(" | ").append(decimal(r.serverJitCpuUsPerOp())).append(" | ")
                    .append(decimal(r.clientCpuCores())).append(" | ")
                    .append(decimal(r.loadAverage())).append(" | ").append(r.errors()).append(" | ").append(r.stalls())
                    .append(" |\n");
        }
        md.append('\n');
    }

    static String count(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%,.0f", value);
    }

    static String decimal(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "–";
        }
        return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.0f" : Math.abs(value) >= 10 ? "%.1f" : "%.2f", value);
    }

    /** Microseconds shown as milliseconds with three significant digits or so. */
    static String millis(double micros) {
        if (Double.isNaN(micros)) {
            return "–";
        }
        double ms = micros / 1e3;
        return String.format(Locale.ROOT, ms >= 100 ? "%.0f" : ms >= 10 ? "%.1f" : ms >= 1 ? "%.2f" : "%.3f", ms);
    }

    static String ratio(double corral, double zookeeper) {
        double ratio = Summary.ratio(corral, zookeeper);
        return Double.isNaN(ratio) || Double.isInfinite(ratio) ? "–" : String.format(Locale.ROOT, "%.2f", ratio);
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "–" : String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    /** The lines of a server log worth showing: warnings, errors and exceptions, then its last lines. */
    static String logExcerpt(String log, int interestingMax, int tailLines) {
        List<String> lines = List.of(log.split("\n"));
        List<String> excerpt = new ArrayList<>();
        for (String line : lines) {
            if (excerpt.size() < interestingMax && (line.contains("WARN") || line.contains("ERROR")
                    || line.contains("Exception") || line.startsWith("\tat "))) {
                excerpt.add(line);
            }
        }
        if (!excerpt.isEmpty()) {
            excerpt.add("...");
        }
        excerpt.addAll(lines.subList(Math.max(0, lines.size() - tailLines), lines.size()));
        return String.join("\n", excerpt);
    }
}
