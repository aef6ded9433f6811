package dev.logreg.cli;

import dev.logreg.io.AtomicFile;
import dev.logreg.io.SavedModel;
import dev.logreg.metrics.Curves;
import dev.logreg.train.CrossValidationResult;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * PNG charts of a model, its evaluation and its cross-validation, drawn with XChart (headless), each written
 * atomically. Axes as {@link ChartAxes} sets them: round ticks, and [0, 1] for every rate and probability. Stateless.
 */
final class Plots {
    private Plots() {}

    /**
     * Writes {@code objective.png} (from the model's training history, where it has one), {@code roc.png},
     * {@code precision-recall.png} and {@code calibration.png} into {@code dir} (created where missing). With
     * {@code weights}, the ROC, precision-recall and calibration curves are weighted like the metrics.
     *
     * @param weights a sample weight per row, or {@code null} for unit weights
     * @param auc     the ROC AUC the legend shows (NaN where the data hold one class)
     * @param ap      the average precision the legend shows (NaN where the data hold no positive weight)
     * @param force   whether existing read-only charts are replaced (they stay read-only) rather than refused
     * @return the files written
     */
    static List<Path> write(Path dir, SavedModel model, double[] logits, float[] labels, float[] weights, double auc, double ap, boolean force) throws IOException {
        prepare(dir);
        List<Path> files = new ArrayList<>();
        if (!model.history().isEmpty()) files.add(save(objective(model.history(), model.optimizer()), dir, "objective", force));
        files.add(save(roc(logits, labels, weights, auc), dir, "roc", force));
        files.add(save(precisionRecall(logits, labels, weights, ap), dir, "precision-recall", force));
        files.add(save(calibration(logits, labels, weights), dir, "calibration", force));
        return files;
    }

    /**
     * {@code train --plot}: {@code objective.png} of the final fit (where it has a history) and, after
     * cross-validation, {@code cross-validation.png}: the mean held-out score ± one standard error against log₁₀ λ,
     * with the best and the 1se λ marked (glmnet's {@code plot(cv.glmnet)}).
     *
     * @return the files written
     */
    static List<Path> training(Path dir, SavedModel model, CrossValidationResult cv, boolean force) throws IOException {
        prepare(dir);
        List<Path> files = new ArrayList<>();
        if (!model.history().isEmpty()) files.add(save(objective(model.history(), model.optimizer()), dir, "objective", force));
        if (cv != null) files.add(save(crossValidation(cv), dir, "cross-validation", force));
        return files;
    }

    /** The ROC curve of the model beside chance's diagonal; the AUCs in the legend. */
    static XYChart roc(double[] logits, float[] labels, float[] weights, double auc) {
        XYChart c = ChartAxes.chart(ChartAxes.UNIT_WIDTH, ChartAxes.UNIT_HEIGHT, (weights == null ? "" : "Weighted ") + "ROC curve",
                "false positive rate", "true positive rate");
        ChartAxes.unitAxes(c);
        if (Double.isNaN(auc)) {
            // One class: a rate over the other, empty class is 0/0, and there is no curve to draw.
            c.setTitle(c.getTitle() + ": undefined, the data hold one class");
        } else {
            Curves.Curve roc = Curves.roc(logits, labels, weights);
            c.addSeries(String.format(Locale.ROOT, "model (AUC %.4f)", auc), roc.x(), roc.y()).setMarker(SeriesMarkers.NONE);
        }
        ChartAxes.reference(c.addSeries("chance (AUC 0.5)", new double[] {0, 1}, new double[] {0, 1}));
        return ChartAxes.finish(c);
    }

    /**
     * The precision-recall curve as the step function that average precision sums (each recall interval at the
     * precision of its right end, not interpolated: Davis &amp; Goadrich 2006), beside the no-skill line at the
     * positive fraction; the APs in the legend.
     */
    static XYChart precisionRecall(double[] logits, float[] labels, float[] weights, double ap) {
        XYChart c = ChartAxes.chart(ChartAxes.UNIT_WIDTH, ChartAxes.UNIT_HEIGHT, (weights == null ? "" : "Weighted ") + "Precision-recall curve",
                "recall", "precision");
        ChartAxes.unitAxes(c);
        double positive = positiveFraction(labels, weights);
        if (Double.isNaN(ap)) {
            c.setTitle(c.getTitle() + ": undefined, the data hold no positive row");
        } else {
            Curves.Curve pr = Curves.precisionRecall(logits, labels, weights);
            Curves.Curve steps = stepsAtRightEnd(untilFullRecall(pr));
            c.addSeries(String.format(Locale.ROOT, "model (AP %.4f)", ap), steps.x(), steps.y()).setMarker(SeriesMarkers.NONE);
        }
        if (positive > 0) {
            ChartAxes.reference(c.addSeries(String.format(Locale.ROOT, "no skill (AP %.4f, the positive fraction)", positive),
                    new double[] {0, 1}, new double[] {positive, positive}));
        }
        return ChartAxes.finish(c);
    }

    /** The calibration (reliability) curve over 10 equal-width bins, beside the diagonal. */
    static XYChart calibration(double[] logits, float[] labels, float[] weights) {
        XYChart c = ChartAxes.chart(ChartAxes.UNIT_WIDTH, ChartAxes.UNIT_HEIGHT, (weights == null ? "" : "Weighted ") + "Calibration",
                "mean predicted probability", "fraction of positives");
        ChartAxes.unitAxes(c);
        Curves.Curve cal = Curves.calibration(logits, labels, weights, 10);
        c.addSeries("model (10 bins of predicted probability)", cal.x(), cal.y()).setMarker(SeriesMarkers.CIRCLE);
        ChartAxes.reference(c.addSeries("perfectly calibrated", new double[] {0, 1}, new double[] {0, 1}));
        return ChartAxes.finish(c);
    }

    /** The training objective per iteration. */
    static XYChart objective(List<SavedModel.HistoryPoint> history, String optimizer) {
        int k = history.size();
        double[] it = new double[k];
        double[] obj = new double[k];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            it[i] = history.get(i).iteration();
            obj[i] = history.get(i).objective();
            if (Double.isFinite(obj[i])) {
                lo = Math.min(lo, obj[i]);
                hi = Math.max(hi, obj[i]);
            }
        }
        XYChart c = ChartAxes.chart(ChartAxes.WIDTH, ChartAxes.HEIGHT, "Training objective per iteration (" + optimizer + ")", "iteration", "objective");
        ChartAxes.roundX(c, Math.min(it[0], it[k - 1]), Math.max(it[0], it[k - 1]), 1);
        if (lo <= hi) ChartAxes.roundY(c, lo, hi);
        c.addSeries("objective", it, obj).setMarker(k <= 50 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        return ChartAxes.finish(c);
    }

    /** Mean held-out score ± one standard error against log₁₀ λ, the best and the 1se λ marked. */
    static XYChart crossValidation(CrossValidationResult cv) {
        int k = cv.path().size();
        double[] x = new double[k];
        double[] mean = new double[k];
        double[] se = new double[k];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int g = 0; g < k; g++) {
            CrossValidationResult.LambdaScore p = cv.path().get(g);
            x[g] = Math.log10(Math.max(p.lambda(), Double.MIN_NORMAL));
            mean[g] = p.mean();
            se[g] = p.standardError();
            if (Double.isFinite(mean[g] - se[g]) && Double.isFinite(mean[g] + se[g])) {
                lo = Math.min(lo, mean[g] - se[g]);
                hi = Math.max(hi, mean[g] + se[g]);
            }
        }
        if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        }
        XYChart c = ChartAxes.chart(ChartAxes.WIDTH, ChartAxes.HEIGHT, String.format(Locale.ROOT, "%d-fold cross-validation (%s, %s is better)", cv.folds(), cv.scorer(),
                cv.higherIsBetter() ? "higher" : "lower"), "log10(lambda)", "mean held-out " + cv.scorer());
        double xlo = Math.min(x[0], x[k - 1]);
        double xhi = Math.max(x[0], x[k - 1]);
        ChartAxes.roundX(c, xlo, xhi);
        ChartAxes.roundY(c, lo, hi);
        c.addSeries("mean ± 1 standard error", x, mean, se).setMarker(SeriesMarkers.CIRCLE);
        int best = cv.bestIndex();
        int oneSe = cv.oneStandardErrorIndex();
        c.addSeries(String.format(Locale.ROOT, "best lambda %s", lambda(cv.path().get(best).lambda())),
                new double[] {x[best], x[best]}, new double[] {lo, hi}).setMarker(SeriesMarkers.NONE);
        c.addSeries(String.format(Locale.ROOT, "1se lambda %s", lambda(cv.path().get(oneSe).lambda())),
                new double[] {x[oneSe], x[oneSe]}, new double[] {lo, hi}).setMarker(SeriesMarkers.NONE);
        return ChartAxes.finish(c);
    }

    /** λ for a legend: three significant digits (218, 1.06, 0.0218). */
    private static String lambda(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /**
     * The points of a curve drawn as steps that rise or fall at the left end of each x interval: (x₀, y₀), (x₀, y₁),
     * (x₁, y₁), (x₁, y₂), ..., so that the area under it is Σ (xᵢ − xᵢ₋₁) yᵢ, the average precision's sum.
     */
    static Curves.Curve stepsAtRightEnd(Curves.Curve c) {
        int n = c.x().length;
        if (n < 2) return c;
        double[] x = new double[2 * n - 1];
        double[] y = new double[2 * n - 1];
        x[0] = c.x()[0];
        y[0] = c.y()[0];
        for (int i = 1; i < n; i++) {
            x[2 * i - 1] = c.x()[i - 1];
            y[2 * i - 1] = c.y()[i];
            x[2 * i] = c.x()[i];
            y[2 * i] = c.y()[i];
        }
        return new Curves.Curve(x, y);
    }

    /**
     * The curve up to its first point of full recall: lower thresholds add only false positives, at recall 1, and
     * would draw a vertical drop along the right edge down to the positive fraction (scikit-learn's
     * {@code precision_recall_curve} stops there too). The average precision does not change, as recall does not.
     */
    static Curves.Curve untilFullRecall(Curves.Curve c) {
        double[] x = c.x();
        double full = x[x.length - 1];
        int end = 0;
        while (x[end] < full) end++;
        return new Curves.Curve(java.util.Arrays.copyOf(x, end + 1), java.util.Arrays.copyOf(c.y(), end + 1));
    }

    /** The (weighted) fraction of positive rows: the precision of a classifier without skill. */
    private static double positiveFraction(float[] labels, float[] weights) {
        double pos = 0;
        double all = 0;
        for (int i = 0; i < labels.length; i++) {
            double w = weights == null ? 1 : weights[i];
            pos += w * labels[i];
            all += w;
        }
        return all > 0 ? pos / all : 0;
    }

    /** Headless AWT (where the user has not chosen), and {@code dir} created where missing. */
    static void prepare(Path dir) throws IOException {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
    }

    /** Writes {@code name.png} atomically ({@link AtomicFile}); an existing read-only chart is replaced only with {@code force}. */
    static Path save(Chart<?, ?> c, Path dir, String name, boolean force) throws IOException {
        Path f = dir.resolve(name + ".png");
        AtomicFile.write(f, force, out -> BitmapEncoder.saveBitmap(c, out, BitmapEncoder.BitmapFormat.PNG));
        return f;
    }
}
