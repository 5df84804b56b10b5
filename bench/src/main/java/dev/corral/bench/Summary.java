package dev.corral.bench;

import dev.corral.testkit.Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The medians of one load spec's runs on each server, and their ratio. A run that measured nothing (it
 * failed) is left out of the medians and counted in {@code failedRuns}; a run with errors, stalls or
 * unanswered requests counts, and is listed among the report's problems.
 */
record Summary(String spec, String description, Figures zookeeper, Figures corral) {

    /** Medians over the runs of one server; NaN where no run measured anything. */
    record Figures(int runs, int failedRuns, double opsPerSecond, double opsPerSecondMin, double opsPerSecondMax,
            double p50Us, double p99Us, double p999Us, double maxUs, double serverCpuUsPerOp, double serverJitCpuUsPerOp,
            double clientCpuCores, long errors, long stalls, long unanswered) {

        static Figures of(List<LoadResult> runs) {
            List<LoadResult> measured = runs.stream().filter(run -> run.ops() > 0).toList();
            return new Figures(runs.size(), runs.size() - measured.size(),
                    median(measured, LoadResult::opsPerSecond),
                    measured.stream().mapToDouble(LoadResult::opsPerSecond).min().orElse(Double.NaN),
                    measured.stream().mapToDouble(LoadResult::opsPerSecond).max().orElse(Double.NaN),
                    median(measured, LoadResult::p50Us), median(measured, LoadResult::p99Us),
                    median(measured, LoadResult::p999Us), median(measured, LoadResult::maxUs),
                    median(measured, LoadResult::serverCpuUsPerOp), median(measured, LoadResult::serverJitCpuUsPerOp),
                    median(measured, LoadResult::clientCpuCores),
                    runs.stream().mapToLong(LoadResult::errors).sum(),
                    runs.stream().mapToLong(LoadResult::stalls).sum(),
                    runs.stream().mapToLong(LoadResult::unanswered).sum());
        }

        /**
         * Server CPU per operation without the JIT compiler threads' part: the difference of the two medians,
         * so that it reads off the report's columns; NaN where either is unknown.
         */
        double serverCpuLessJitUsPerOp() {
            return serverCpuUsPerOp - serverJitCpuUsPerOp;
        }

        /** (max - min) / median of throughput: how much the runs of this figure disagree. */
        double spread() {
            return (opsPerSecondMax - opsPerSecondMin) / opsPerSecond;
        }

        boolean measured() {
            return runs > failedRuns;
        }
    }

    /** One summary per spec, in the order the specs first appear in {@code results}. */
    static List<Summary> of(List<LoadResult> results) {
        Map<String, List<LoadResult>> bySpec = new LinkedHashMap<>();
        for (LoadResult result : results) {
            bySpec.computeIfAbsent(result.spec(), k -> new ArrayList<>()).add(result);
        }
        List<Summary> summaries = new ArrayList<>();
        bySpec.forEach((spec, runs) -> summaries.add(new Summary(spec, runs.get(0).description(),
                Figures.of(runs.stream().filter(run -> run.server().equals(Target.ZOOKEEPER.id())).toList()),
                Figures.of(runs.stream().filter(run -> run.server().equals(Target.CORRAL.id())).toList()))));
        return summaries;
    }

    static double ratio(double corral, double zookeeper) {
        return corral / zookeeper;
    }

    static double median(List<LoadResult> runs, ToDoubleFunction<LoadResult> figure) {
        double[] values = runs.stream().mapToDouble(figure).filter(v -> !Double.isNaN(v)).sorted().toArray();
        return median(values);
    }

    static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double[] values = Arrays.copyOf(sorted, sorted.length);
        Arrays.sort(values);
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
