package dev.logreg.cli;

import dev.logreg.io.SavedModel;
import dev.logreg.metrics.BinaryMetrics;
import dev.logreg.train.CrossValidationOptions;
import dev.logreg.train.CrossValidationResult;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.DrawnTicks;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The charts' axes as drawn: probability axes spanning [0, 1] with ticks 0.0, 0.2, ..., 1.0, other axes with a few
 * round ticks and short labels, and curves that start and end where they must. Reads the tick labels XChart draws
 * ({@link DrawnTicks}), not pixels.
 */
class PlotsTest {
    private static final List<String> UNIT_TICKS = List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0");

    /** 569 rows, 357 positive, distinct logits: the rates are evenly spaced k/357 and k/212, as on the bundled data. */
    private static final int ROWS = 569;
    private static final float[] LABELS = new float[ROWS];
    private static final double[] LOGITS = new double[ROWS];

    static {
        SplittableRandom r = new SplittableRandom(21);
        for (int i = 0; i < ROWS; i++) {
            LABELS[i] = i < 357 ? 1 : 0;
            LOGITS[i] = (LABELS[i] == 1 ? 2.5 : -2.5) + 1.5 * r.nextGaussian();
        }
    }

    @Test
    void rocAxesSpanTheUnitSquareWithTicksEveryFifth() {
        BinaryMetrics m = BinaryMetrics.compute(LOGITS, LABELS, null, 0.5);
        XYChart c = Plots.roc(LOGITS, LABELS, null, m.rocAuc());
        assertUnitAxes(c);
        XYSeries model = series(c, "model (AUC ");
        assertTrue(model.getName().contains(String.format(java.util.Locale.ROOT, "%.4f", m.rocAuc())), model.getName());
        assertPoint(model, 0, 0, 0);
        assertPoint(model, model.getXData().length - 1, 1, 1);
        assertNotNull(series(c, "chance (AUC 0.5)"));
    }

    @Test
    void precisionRecallRecallAxisReachesOneAndTheStepsEncloseTheAveragePrecision() {
        BinaryMetrics m = BinaryMetrics.compute(LOGITS, LABELS, null, 0.5);
        XYChart c = Plots.precisionRecall(LOGITS, LABELS, null, m.averagePrecision());
        assertUnitAxes(c);
        XYSeries model = series(c, "model (AP ");
        double[] x = model.getXData();
        double[] y = model.getYData();
        assertPoint(model, 0, 0, 1);
        assertEquals(1.0, x[x.length - 1], "the curve ends at recall 1");
        for (int i = 0; i < x.length - 1; i++) assertTrue(x[i] < 1, "the curve stops at its first point of full recall, not at " + i);
        double area = 0;
        for (int i = 1; i < x.length; i++) {
            assertTrue(x[i] >= x[i - 1], "recall never decreases along the curve, at point " + i);
            area += (x[i] - x[i - 1]) * y[i];
        }
        assertEquals(m.averagePrecision(), area, 1e-12, "the area under the drawn steps is the average precision");
        XYSeries baseline = series(c, "no skill (AP 0.6274");
        assertEquals(357.0 / ROWS, baseline.getYData()[0], 1e-12);
    }

    @Test
    void calibrationAxesSpanTheUnitSquare() {
        assertUnitAxes(Plots.calibration(LOGITS, LABELS, null));
    }

    @Test
    void aPerfectClassifierOnThreeRowsKeepsTheUnitAxes() {
        double[] z = {-3, 2, 4};
        float[] y = {0, 1, 1};
        XYChart roc = Plots.roc(z, y, null, 1.0);
        assertUnitAxes(roc);
        XYSeries curve = series(roc, "model (AUC 1.0000)");
        assertPoint(curve, 0, 0, 0);
        assertPoint(curve, curve.getXData().length - 1, 1, 1);
        assertTrue(contains(curve, 0, 1), "a perfect ranking passes through (0, 1)");
        XYChart pr = Plots.precisionRecall(z, y, null, 1.0);
        assertUnitAxes(pr);
        XYSeries steps = series(pr, "model (AP 1.0000)");
        for (double p : steps.getYData()) assertEquals(1.0, p, "a perfect ranking has precision 1 up to recall 1");
        assertEquals(1.0, steps.getXData()[steps.getXData().length - 1]);
        assertUnitAxes(Plots.calibration(z, y, null));
    }

    @Test
    void oneClassDrawsNoRocCurveAndSaysWhy() {
        XYChart c = Plots.roc(new double[] {1, 2}, new float[] {1, 1}, null, Double.NaN);
        assertUnitAxes(c);
        assertTrue(c.getTitle().contains("undefined"), c.getTitle());
        assertFalse(c.getSeriesMap().keySet().stream().anyMatch(n -> n.startsWith("model")), c.getSeriesMap().keySet()::toString);
    }

    @Test
    void objectiveAxesHaveAFewRoundTicksWithShortLabels() {
        List<SavedModel.HistoryPoint> h = new ArrayList<>();
        for (int i = 1; i <= 142; i++) h.add(new SavedModel.HistoryPoint(i, 0.0945 + 0.11 * Math.exp(-i / 8.0), 1e-3, 1e-3 * i));
        XYChart c = Plots.objective(h, "lbfgs");
        List<String> x = DrawnTicks.x(c);
        assertRound(x, "iteration");
        for (String s : x) assertFalse(s.contains("."), "iteration label " + s + " is not an integer: " + x);
        List<String> y = DrawnTicks.y(c);
        assertRound(y, "objective");
        for (String s : y) assertTrue(s.startsWith("0."), "objective label " + s + " lacks its leading zero: " + y);
        // A tiny range (a warm-started refit moves the objective in its fourth digit) still gets round, short labels.
        List<SavedModel.HistoryPoint> flat = new ArrayList<>();
        for (int i = 1; i <= 149; i++) flat.add(new SavedModel.HistoryPoint(i, 0.08248 + 0.0005 * Math.exp(-i / 5.0), 1e-6, 1e-4 * i));
        assertRound(DrawnTicks.y(Plots.objective(flat, "owlqn")), "flat objective");
        // Three iterations: whole-number ticks, not 1.0, 1.5, 2.0.
        List<SavedModel.HistoryPoint> three = List.of(new SavedModel.HistoryPoint(1, 0.5, 1, 0), new SavedModel.HistoryPoint(2, 0.3, 1, 0),
                new SavedModel.HistoryPoint(3, 0.25, 1, 0));
        assertEquals(List.of("1", "2", "3"), DrawnTicks.x(Plots.objective(three, "newton")));
        assertEquals(List.of("1"), DrawnTicks.x(Plots.objective(three.subList(0, 1), "newton")), "one iteration, one tick");
    }

    @Test
    void crossValidationAxesHaveRoundTicks() {
        List<CrossValidationResult.LambdaScore> path = new ArrayList<>();
        for (int g = 0; g < 20; g++) {
            double lambda = 218.3 * Math.pow(1e-4, g / 19.0);
            double score = 0.08 + 0.05 * Math.pow(Math.log10(lambda), 2);
            path.add(new CrossValidationResult.LambdaScore(lambda, score, 0.01 + 0.002 * g, new double[] {score, score}, g, 0, 100));
        }
        CrossValidationResult cv = new CrossValidationResult("logloss", false, 5, path, 12, 10, 12, CrossValidationOptions.Rule.BEST, null);
        XYChart c = Plots.crossValidation(cv);
        assertRound(DrawnTicks.x(c), "log10(lambda)");
        assertRound(DrawnTicks.y(c), "score");
        assertTrue(series(c, "best lambda ").getName().endsWith(" 0.65"), c.getSeriesMap().keySet()::toString);
        assertNotNull(series(c, "1se lambda "));
    }

    @Test
    void stepsAndPatternsAreRound() {
        assertEquals(0.2, ChartAxes.niceStep(1, 0), 1e-15);
        assertEquals(20, ChartAxes.niceStep(141, 1), 1e-12);
        assertEquals(0.0001, ChartAxes.niceStep(0.0005, 0.0825), 1e-18);
        assertEquals("0.0", ChartAxes.pattern(0.2, 0, 1));
        assertEquals("0", ChartAxes.pattern(20, 1, 142));
        assertEquals("0.0000", ChartAxes.pattern(0.0001, 0.08, 0.09));
    }

    /** Both axes span [0, 1] in the styler and are drawn with ticks 0.0, 0.2, ..., 1.0. */
    private static void assertUnitAxes(XYChart c) {
        assertEquals(0.0, c.getStyler().getXAxisMin());
        assertEquals(1.0, c.getStyler().getXAxisMax());
        assertEquals(0.0, c.getStyler().getYAxisMin());
        assertEquals(1.0, c.getStyler().getYAxisMax());
        assertEquals(UNIT_TICKS, DrawnTicks.x(c), c.getTitle() + ": x ticks");
        assertEquals(UNIT_TICKS, DrawnTicks.y(c), c.getTitle() + ": y ticks");
    }

    /**
     * Between 3 and 10 labels of at most 7 characters, evenly spaced by 1, 2 or 5 times a power of ten, each with the
     * decimals of that step and no more.
     */
    private static void assertRound(List<String> labels, String what) {
        assertTrue(labels.size() >= 3 && labels.size() <= 10, what + ": " + labels.size() + " ticks " + labels);
        BigDecimal step = new BigDecimal(labels.get(1)).subtract(new BigDecimal(labels.get(0)));
        int lead = step.stripTrailingZeros().unscaledValue().intValueExact();
        assertTrue(lead == 1 || lead == 2 || lead == 5, what + ": step " + step + " is not 1, 2 or 5 times a power of ten: " + labels);
        for (int i = 0; i < labels.size(); i++) {
            String s = labels.get(i);
            assertTrue(s.length() <= 7, what + ": label '" + s + "' is long: " + labels);
            BigDecimal v = new BigDecimal(s);
            assertEquals(0, v.remainder(step).signum(), what + ": " + s + " is not a multiple of " + step + ": " + labels);
            assertEquals(Math.max(0, step.stripTrailingZeros().scale()), v.scale(), what + ": " + s + " has other decimals than the step " + step);
            if (i > 0) assertEquals(0, v.subtract(new BigDecimal(labels.get(i - 1))).compareTo(step), what + ": uneven ticks " + labels);
        }
    }

    private static XYSeries series(XYChart c, String namePrefix) {
        return c.getSeriesMap().values().stream().filter(s -> s.getName().startsWith(namePrefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no series named " + namePrefix + "...: " + c.getSeriesMap().keySet()));
    }

    private static void assertPoint(XYSeries s, int i, double x, double y) {
        assertEquals(x, s.getXData()[i], 0, s.getName() + ": x of point " + i);
        assertEquals(y, s.getYData()[i], 0, s.getName() + ": y of point " + i);
    }

    private static boolean contains(XYSeries s, double x, double y) {
        for (int i = 0; i < s.getXData().length; i++) if (s.getXData()[i] == x && s.getYData()[i] == y) return true;
        return false;
    }
}
