package dev.logreg.cli;

import dev.logreg.metrics.Curves;
import dev.logreg.metrics.MulticlassMetrics;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * PNG charts of a K-class evaluation: the confusion matrix as a heat map and, for up to {@link #MAX_ROC_CLASSES}
 * classes, every class's one-vs-rest ROC curve in one chart. Written atomically through {@link Plots#save}. Stateless.
 */
final class MulticlassPlots {
    private MulticlassPlots() {}

    /** ROC curves are drawn for at most this many classes: beyond it, lines and legend entries no longer tell apart. */
    static final int MAX_ROC_CLASSES = 10;

    /** Cell values are printed for at most this many classes; beyond it the color scale alone shows the counts. */
    static final int MAX_LABELLED_CLASSES = 15;

    /**
     * Writes {@code confusion-matrix.png} and, where K ≤ {@link #MAX_ROC_CLASSES}, {@code roc.png} into {@code dir}
     * (created where missing).
     *
     * @param probabilities row-major rows × K probabilities, the ones {@code metrics} came from
     * @param labels        the true class of each row
     * @param weights       sample weights, or {@code null}
     * @param names         one name per class
     * @param force         whether existing read-only charts are replaced rather than refused
     * @return the files written
     */
    static List<Path> write(Path dir, MulticlassMetrics metrics, double[] probabilities, int[] labels, float[] weights, List<String> names,
                            boolean force) throws IOException {
        Plots.prepare(dir);
        List<Path> files = new ArrayList<>();
        files.add(Plots.save(confusion(metrics, names), dir, "confusion-matrix", force));
        if (metrics.classes() <= MAX_ROC_CLASSES) files.add(Plots.save(roc(metrics, probabilities, labels, weights, names), dir, "roc", force));
        return files;
    }

    /**
     * The confusion matrix as a heat map: true classes down the side (the first at the top, as the printed table and
     * scikit-learn's ConfusionMatrixDisplay have it), predicted classes along the bottom; the color of a cell is its
     * count (its sum of weights where weighted), white for 0 to blue for the largest; counts printed in the cells up to
     * {@link #MAX_LABELLED_CLASSES} classes.
     */
    static HeatMapChart confusion(MulticlassMetrics m, List<String> names) {
        int k = m.classes();
        // Room for the class names along both axes; cells of about 24 px at K = 30, larger at small K.
        int side = Math.max(560, Math.min(1400, 260 + 30 * k));
        HeatMapChart c = new HeatMapChartBuilder().width(side + 120).height(side)
                .title((m.weighted() ? "Weighted confusion matrix" : "Confusion matrix") + " (rows: true class)")
                .xAxisTitle("predicted class").yAxisTitle("true class").build();
        HeatMapStyler s = c.getStyler();
        s.setLocale(Locale.ROOT);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setPlotContentSize(1.0);
        s.setDrawBorder(true);
        s.setRangeColors(new Color[] {Color.WHITE, new Color(0x9E, 0xCA, 0xE1), new Color(0x31, 0x82, 0xBD)});
        s.setMin(0);
        double max = 0;
        for (int t = 0; t < k; t++) for (int p = 0; p < k; p++) max = Math.max(max, m.weightedConfusion(t, p));
        s.setMax(max > 0 ? max : 1);
        s.setShowValue(k <= MAX_LABELLED_CLASSES);
        s.setValueFontColor(Color.BLACK);
        s.setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, k <= 5 ? 16 : 11));
        s.setHeatMapDecimalValueFormatter(m.weighted() ? MulticlassPlots::weight : v -> String.format(Locale.ROOT, "%d", Math.round(v)));
        if (k > 6) s.setXAxisLabelRotation(90);
        List<String> x = labels(names);
        // XChart draws the first y category at the bottom: list them reversed so the first true class is at the top.
        List<String> y = new ArrayList<>(x);
        java.util.Collections.reverse(y);
        List<Number[]> cells = new ArrayList<>(k * k);
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) cells.add(new Number[] {p, k - 1 - t, m.weightedConfusion(t, p)});
        }
        c.addSeries(m.weighted() ? "sum of weights" : "rows", x, y, cells);
        return c;
    }

    /**
     * Class names for a chart: control characters as '?', cut to the table's width; where two cut names coincide,
     * each gets its class index ("#3"), as XChart requires distinct series names and a reader distinct labels.
     */
    static List<String> labels(List<String> names) {
        List<String> cut = names.stream().map(n -> MulticlassEvaluation.shorten(n, MulticlassEvaluation.NAME_WIDTH)).toList();
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (String c : cut) seen.merge(c, 1, Integer::sum);
        List<String> out = new ArrayList<>(cut.size());
        for (int i = 0; i < cut.size(); i++) out.add(seen.get(cut.get(i)) > 1 ? cut.get(i) + " #" + i : cut.get(i));
        return out;
    }

    /** A sum of weights for a cell: at most one decimal, none where whole (12, 3.5). */
    private static String weight(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%d", Math.round(v)) : String.format(Locale.ROOT, "%.1f", v);
    }

    /**
     * Each class's one-vs-rest ROC curve (class c against the rest, scored by p_c), its AUC in the legend; a class
     * whose AUC is undefined (no row, or every row) is listed in the legend without a curve, saying why.
     */
    static XYChart roc(MulticlassMetrics m, double[] probabilities, int[] labels, float[] weights, List<String> names) {
        int k = m.classes();
        String title = String.format(Locale.ROOT, "%sOne-vs-rest ROC curves (macro AUC %s%s)", weights == null ? "" : "Weighted ",
                Double.isNaN(m.macroRocAuc()) ? "undefined" : String.format(Locale.ROOT, "%.4f", m.macroRocAuc()),
                m.rocAucClasses() < k ? String.format(Locale.ROOT, " over %d of %d classes", m.rocAucClasses(), k) : "");
        // One legend line per class below the plot, so the unit square keeps its size.
        XYChart c = ChartAxes.chart(ChartAxes.UNIT_WIDTH, ChartAxes.UNIT_HEIGHT + 20 * (k + 1), title, "false positive rate", "true positive rate");
        c.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        ChartAxes.unitAxes(c);
        List<String> shown = labels(names);
        int rows = labels.length;
        double[] scores = new double[rows];
        float[] isClass = new float[rows];
        for (int cl = 0; cl < k; cl++) {
            double auc = m.perClass().get(cl).rocAuc();
            if (Double.isNaN(auc)) {
                MulticlassMetrics.ClassMetrics pc = m.perClass().get(cl);
                String why = pc.rows() == 0 ? "no row of this class" : pc.support() == 0 ? "no row of this class with weight" : "every row is of this class";
                XYSeries none = c.addSeries(shown.get(cl) + ": no ROC curve (" + why + ")", new double[] {Double.NaN}, new double[] {Double.NaN});
                none.setMarker(SeriesMarkers.NONE);
                continue;
            }
            for (int i = 0; i < rows; i++) {
                scores[i] = probabilities[i * k + cl];
                isClass[i] = labels[i] == cl ? 1f : 0f;
            }
            Curves.Curve r = Curves.roc(scores, isClass, weights);
            c.addSeries(String.format(Locale.ROOT, "%s (AUC %.4f)", shown.get(cl), auc), r.x(), r.y()).setMarker(SeriesMarkers.NONE);
        }
        ChartAxes.reference(c.addSeries("chance (AUC 0.5)", new double[] {0, 1}, new double[] {0, 1}));
        return ChartAxes.finish(c);
    }
}
