package dev.corral.bench;

import dev.corral.testkit.Target;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The failover workload's report.md: for each figure the minimum, median and maximum over the rounds of each
 * target and the Corral/ZooKeeper ratio of each, then every round. Rounds that failed are listed and left
 * out of the figures.
 */
final class FailoverReport {
    private FailoverReport() {}

    /** A figure's distribution over the measured rounds of one target; NaN where there were none. */
    record Spread(double min, double median, double max, int count) {
        static Spread of(List<FailoverRound> rounds, ToLongFunction<FailoverRound> figure) {
            double[] values = rounds.stream().filter(FailoverRound::measured).mapToLong(figure)
                    .mapToDouble(v -> v).sorted().toArray();
            return values.length == 0 ? new Spread(Double.NaN, Double.NaN, Double.NaN, 0)
                    : new Spread(values[0], Summary.median(values), values[values.length - 1], values.length);
        }
    }

    static Spread spread(List<FailoverRound> rounds, Target kind, ToLongFunction<FailoverRound> figure) {
        return Spread.of(rounds.stream().filter(r -> r.server().equals(kind.id())).toList(), figure);
    }

    static String markdown(String title, String command, List<String> settings, MachineInfo machine,
            List<FailoverRound> rounds, List<String> problems) {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        settings.forEach(line -> md.append("- ").append(line).append('\n'));
        md.append("- Machine: ").append(machine.cpu()).append(", ").append(machine.logicalCpus()).append(" logical CPUs, ")
                .append(machine.kernel()).append('\n');
        md.append("- JDK: ").append(machine.jdk()).append("; Apache ZooKeeper ").append(machine.zookeeperVersion())
                .append("; Corral ").append(machine.corralVersion()).append("\n\n");

        md.append("## After a leader kill (ms; ratio = Corral / ZooKeeper)\n\n");
        md.append("| figure | rounds ZK / Corral | ZooKeeper min / median / max | Corral min / median / max |"
                + " min ratio | median ratio | max ratio |\n|---|---:|---:|---:|---:|---:|---:|\n");
        row(md, "every survivor serving (srvr)", rounds, FailoverRound::servingMs);
        row(md, "first write through a survivor", rounds, FailoverRound::firstWriteMs);
        row(md, "killed server rejoined", rounds, FailoverRound::rejoinMs);

        md.append("\n## Problems\n\n");
        if (problems.isEmpty()) {
            md.append("None.\n");
        }
        problems.forEach(problem -> md.append("- ").append(problem.replace('\n', ' ')).append('\n'));

        md.append("\n## Every round\n\n| server | round | killed | new leader | survivor | serving ms | first write ms |"
                + " attempts | rejoin ms | load |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (FailoverRound r : rounds) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %.2f |%n", r.server(),
                    r.round(), r.killedLeader(), r.newLeader(), r.survivor(), r.servingMs(), r.firstWriteMs(),
                    r.writeAttempts(), r.rejoinMs(), r.loadAverage()));
        }
        return md.toString();
    }

    private static void row(StringBuilder md, String figure, List<FailoverRound> rounds, ToLongFunction<FailoverRound> value) {
        Spread zk = spread(rounds, Target.ZOOKEEPER, value);
        Spread corral = spread(rounds, Target.CORRAL, value);
        md.append("| ").append(figure).append(" | ").append(zk.count()).append(" / ").append(corral.count())
                .append(" | ").append(triple(zk)).append(" | ").append(triple(corral))
                .append(" | ").append(Report.ratio(corral.min(), zk.min()))
                .append(" | ").append(Report.ratio(corral.median(), zk.median()))
                .append(" | ").append(Report.ratio(corral.max(), zk.max())).append(" |\n");
    }

    private static String triple(Spread spread) {
        return String.join(" / ", Arrays.stream(new double[] {spread.min(), spread.median(), spread.max()})
                .mapToObj(Report::count).toList());
    }
}
