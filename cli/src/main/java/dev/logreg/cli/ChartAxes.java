package dev.logreg.cli;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.util.Locale;

/**
 * Chart frames and axes that read at a glance: ticks at round values (1, 2 or 5 times a power of ten), a handful of
 * them, labels with exactly the decimals the step needs, and probability axes spanning [0, 1] with ticks 0.0, 0.2,
 * ..., 1.0. Stateless.
 *
 * <p>XChart chooses its tick step from the axis span, the plot's length in pixels and a "tick spacing hint" in pixels;
 * we compute the step we want and set the hint to that step's length on the plot, and the decimal pattern to the
 * step's decimals (a finer step would then repeat labels, which XChart rejects).
 */
final class ChartAxes {
    private ChartAxes() {}

    /** The step of a probability or rate axis. */
    static final double UNIT_STEP = 0.2;

    /** Width and height of the charts whose two axes are probabilities (square plots, the legend below them). */
    static final int UNIT_WIDTH = 640;
    static final int UNIT_HEIGHT = 700;

    /** Width and height of the other charts (objective per iteration, cross-validation). */
    static final int WIDTH = 800;
    static final int HEIGHT = 600;

    /** About this many intervals between ticks on an axis that is not a probability. */
    private static final int TARGET_INTERVALS = 5;

    /**
     * Estimated pixels that XChart's tick calculator spreads a unit chart's axis over (its plot length times the 0.92
     * content fraction, less the y-axis labels, title and legend). An estimate off by up to 25% still selects the
     * intended step, as XChart rounds the hinted step to 1, 2 or 5 times a power of ten.
     */
    private static double tickSpaceX(int width) {
        return 0.92 * (width - 110);
    }

    private static double tickSpaceY(int height) {
        return 0.92 * (height - 170);
    }

    /** A chart with a title, axis titles, the legend below the plot and the ROOT locale's number formats. */
    static XYChart chart(int width, int height, String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(x).yAxisTitle(y).build();
        XYStyler s = c.getStyler();
        s.setLocale(Locale.ROOT);
        s.setLegendVisible(true);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setPlotGridLinesVisible(true);
        return c;
    }

    /**
     * Ends a chart's series: XChart puts a tick at every data value when the distinct values of an axis are evenly
     * spaced (ROC rates k/P, iterations 1, 2, 3, ...), which gave 45 labels of 16 digits (knowm/XChart#731). A point
     * with no value on either axis draws nothing and makes no axis evenly spaced, so the round ticks set here always
     * apply. Added last, so that the visible series keep the theme's first colors.
     *
     * @return {@code c}
     */
    static XYChart finish(XYChart c) {
        XYSeries none = c.addSeries(" ", new double[] {Double.NaN}, new double[] {Double.NaN});
        none.setMarker(SeriesMarkers.NONE);
        none.setShowInLegend(false);
        return c;
    }

    /** Draws {@code s} as a reference line (chance, no skill, perfect calibration): gray, dashed, no markers. */
    static void reference(XYSeries s) {
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(Color.GRAY);
        s.setLineStyle(SeriesLines.DASH_DASH);
    }

    /** Both axes of {@code c} span [0, 1] with ticks at 0.0, 0.2, ..., 1.0. */
    static void unitAxes(XYChart c) {
        XYStyler s = c.getStyler();
        s.setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        s.setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0");
        s.setXAxisTickMarkSpacingHint(hint(UNIT_STEP, 1, tickSpaceX(c.getWidth())));
        s.setYAxisTickMarkSpacingHint(hint(UNIT_STEP, 1, tickSpaceY(c.getHeight())));
    }

    /** Round ticks on the x axis for data from {@code lo} to {@code hi} (the axis spans the data, as XChart draws it). */
    static void roundX(XYChart c, double lo, double hi) {
        roundX(c, lo, hi, 0);
    }

    /** As {@link #roundX(XYChart, double, double)}, with ticks at least {@code minStep} apart (1 for counts). */
    static void roundX(XYChart c, double lo, double hi, double minStep) {
        double step = Math.max(minStep, niceStep(hi - lo, lo));
        c.getStyler().setXAxisDecimalPattern(pattern(step, lo, hi));
        c.getStyler().setXAxisTickMarkSpacingHint(hint(step, hi - lo, tickSpaceX(c.getWidth())));
    }

    /** Round ticks on the y axis for data from {@code lo} to {@code hi}. */
    static void roundY(XYChart c, double lo, double hi) {
        double step = niceStep(hi - lo, lo);
        c.getStyler().setYAxisDecimalPattern(pattern(step, lo, hi));
        c.getStyler().setYAxisTickMarkSpacingHint(hint(step, hi - lo, tickSpaceY(c.getHeight())));
    }

    /**
     * The round step (1, 2 or 5 times a power of ten) that cuts {@code span} into about five intervals; for an empty
     * span (one value), a step of the value's order, so that its one label shows its leading digits.
     */
    static double niceStep(double span, double at) {
        double s = span > 0 && Double.isFinite(span) ? span / TARGET_INTERVALS : (at != 0 && Double.isFinite(at) ? Math.abs(at) / 100 : 1);
        double p = Math.pow(10, Math.floor(Math.log10(s)));
        double f = s / p;
        return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
    }

    /**
     * The decimal pattern of labels at multiples of {@code step}: as many decimals as the step has ("0", "0.0",
     * "0.005" → "0.000"), or two significant digits in scientific notation where the values are huge or the step tiny.
     */
    static String pattern(double step, double lo, double hi) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        if (decimals > 6 || Math.max(Math.abs(lo), Math.abs(hi)) >= 1e7) return "0.0##E0";
        return decimals == 0 ? "0" : "0." + "0".repeat(decimals);
    }

    /** The tick spacing hint, in pixels, that makes XChart choose {@code step} on an axis of {@code span} over {@code pixels}. */
    static int hint(double step, double span, double pixels) {
        if (!(span > 0)) return 60;
        return (int) Math.max(20, Math.round(step / span * pixels));
    }
}
