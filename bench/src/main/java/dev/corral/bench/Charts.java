package dev.corral.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * PNG charts of a report's medians, one figure per file, read at a glance: throughput per workload, the
 * Corral/ZooKeeper ratios, latency percentiles, and server CPU per operation. Value axes are logarithmic
 * because workloads differ by orders of magnitude.
 */
final class Charts {
    private static final int WIDTH = 1400;
    private static final int HEIGHT = 700;
    private static final Color ZOOKEEPER_COLOR = new Color(0x4e79a7);
    private static final Color CORRAL_COLOR = new Color(0xf28e2b);
    private static final Color[] RATIO_COLORS = {new Color(0x59a14f), new Color(0xe15759), new Color(0x76b7b2)};

    private Charts() {}

    /** Writes the charts into {@code directory} and returns their file names. */
    static List<String> write(Path directory, List<Summary> summaries) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> written = new ArrayList<>();
        save(directory, "throughput.png", pairChart("Throughput (median ops/s, log scale)", "ops/s", summaries,
                f -> f.opsPerSecond()), written, HEIGHT);
        save(directory, "ratios.png", ratioChart(summaries), written, HEIGHT);
        save(directory, "latency.png", latencyChart(summaries), written, HEIGHT * 2);
        save(directory, "server-cpu.png", pairChart("Server CPU per operation (median µs/op, log scale)", "µs/op",
                summaries, Summary.Figures::serverCpuUsPerOp), written, HEIGHT);
        return written;
    }

    private static void save(Path directory, String name, JFreeChart chart, List<String> written, int height)
            throws IOException {
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(directory.resolve(name).toFile(), chart, WIDTH, height);
        written.add(name);
    }

    private static JFreeChart pairChart(String title, String unit, List<Summary> summaries,
            ToDoubleFunction<Summary.Figures> figure) {
        return new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, pairPlot(unit, summaries, figure, categoryAxis()), true);
    }

    private static CategoryPlot pairPlot(String unit, List<Summary> summaries, ToDoubleFunction<Summary.Figures> figure,
            CategoryAxis domain) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (Summary summary : summaries) {
            add(dataset, figure.applyAsDouble(summary.zookeeper()), "ZooKeeper", summary.spec());
            add(dataset, figure.applyAsDouble(summary.corral()), "Corral", summary.spec());
        }
        BarRenderer renderer = renderer(dataset);
        renderer.setSeriesPaint(0, ZOOKEEPER_COLOR);
        renderer.setSeriesPaint(1, CORRAL_COLOR);
        return new CategoryPlot(dataset, domain, logAxis(unit, dataset), renderer);
    }

    private static JFreeChart ratioChart(List<Summary> summaries) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (Summary summary : summaries) {
            Summary.Figures zk = summary.zookeeper();
            Summary.Figures corral = summary.corral();
            add(dataset, Summary.ratio(corral.opsPerSecond(), zk.opsPerSecond()), "throughput (higher is better)", summary.spec());
            add(dataset, Summary.ratio(corral.p99Us(), zk.p99Us()), "p99 latency (lower is better)", summary.spec());
            add(dataset, Summary.ratio(corral.serverCpuUsPerOp(), zk.serverCpuUsPerOp()),
                    "server CPU per op (lower is better)", summary.spec());
        }
        BarRenderer renderer = renderer(dataset);
        for (int i = 0; i < RATIO_COLORS.length; i++) {
            renderer.setSeriesPaint(i, RATIO_COLORS[i]);
        }
        CategoryPlot plot = new CategoryPlot(dataset, categoryAxis(), logAxis("Corral / ZooKeeper", dataset), renderer);
        ValueMarker parity = new ValueMarker(1.0, Color.BLACK, new BasicStroke(1.5f));
        plot.addRangeMarker(parity);
        return new JFreeChart("Corral / ZooKeeper (medians, log scale; 1 = parity)", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    }

    private static JFreeChart latencyChart(List<Summary> summaries) {
        CombinedDomainCategoryPlot combined = new CombinedDomainCategoryPlot(categoryAxis());
        combined.add(pairPlot("p50 ms", summaries, f -> f.p50Us() / 1e3, null), 1);
        CategoryPlot p99 = pairPlot("p99 ms", summaries, f -> f.p99Us() / 1e3, null);
        CategoryPlot p999 = pairPlot("p99.9 ms", summaries, f -> f.p999Us() / 1e3, null);
        // The legend lists each series once: the two lower plots repeat the first one's colours.
        p99.getRenderer().setDefaultSeriesVisibleInLegend(false);
        p999.getRenderer().setDefaultSeriesVisibleInLegend(false);
        combined.add(p99, 1);
        combined.add(p999, 1);
        return new JFreeChart("Latency percentiles (median ms, log scale)", JFreeChart.DEFAULT_TITLE_FONT, combined, true);
    }

    private static void add(DefaultCategoryDataset dataset, double value, String series, String category) {
        dataset.addValue(Double.isNaN(value) || Double.isInfinite(value) || value <= 0 ? null : value, series, category);
    }

    private static BarRenderer renderer(DefaultCategoryDataset dataset) {
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        renderer.setBase(lowerBound(dataset));
        return renderer;
    }

    /** A log axis from a power of ten to a power of ten, labelled 1, 2, 3 ... 10, 20 ... in plain numbers. */
    private static LogarithmicAxis logAxis(String label, DefaultCategoryDataset dataset) {
        LogarithmicAxis axis = new LogarithmicAxis(label);
        axis.setStrictValuesFlag(false);
        axis.setExpTickLabelsFlag(false);
        axis.setLog10TickLabelsFlag(false);
        double lower = lowerBound(dataset);
        axis.setRange(lower, Math.max(lower * 10, upperBound(dataset)));
        return axis;
    }

    /** A power of ten above every value. */
    private static double upperBound(DefaultCategoryDataset dataset) {
        double max = 0;
        for (int row = 0; row < dataset.getRowCount(); row++) {
            for (int column = 0; column < dataset.getColumnCount(); column++) {
                Number value = dataset.getValue(row, column);
                if (value != null) {
                    max = Math.max(max, value.doubleValue());
                }
            }
        }
        return max <= 0 ? 1 : Math.pow(10, Math.ceil(Math.log10(max)));
    }

    /** A power of ten below every value, so that bars on a log axis start below the smallest one. */
    private static double lowerBound(DefaultCategoryDataset dataset) {
        double min = Double.MAX_VALUE;
        for (int row = 0; row < dataset.getRowCount(); row++) {
            for (int column = 0; column < dataset.getColumnCount(); column++) {
                Number value = dataset.getValue(row, column);
                if (value != null && value.doubleValue() > 0) {
                    min = Math.min(min, value.doubleValue());
                }
            }
        }
        return min == Double.MAX_VALUE ? 0.01 : Math.pow(10, Math.floor(Math.log10(min)));
    }

    private static CategoryAxis categoryAxis() {
        CategoryAxis axis = new CategoryAxis();
        axis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return axis;
    }
}
