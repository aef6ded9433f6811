package dev.logreg.cli;

import dev.logreg.io.AtomicFile;
import dev.logreg.io.SavedModel;
import dev.logreg.metrics.Curves;
import dev.logreg.train.CrossValidationResult;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** PNG charts of a model, its evaluation and its cross-validation, drawn with XChart (headless), each written atomically. Stateless. */
final class Plots {
    private Plots() {}

    private static final int WIDTH = 800;
    private static final int HEIGHT = 600;

    /**
     * Writes {@code objective.png} (from the model's training history, where it has one), {@code roc.png},
     * {@code precision-recall.png} and {@code calibration.png} into {@code dir} (created where missing). With
     * {@code weights}, the ROC, precision-recall and calibration curves are weighted like the metrics.
     *
     * @param weights a sample weight per row, or {@code null} for unit weights
     * @return the files written
     */
    static List<Path> write(Path dir, SavedModel model, double[] logits, float[] labels, float[] weights, double auc, double ap) throws IOException {
        prepare(dir);
        List<Path> files = new ArrayList<>();
        if (!model.history().isEmpty()) files.add(objective(dir, model.history(), model.optimizer()));
        Curves.Curve roc = Curves.roc(logits, labels, weights);
        XYChart r = chart(String.format(java.util.Locale.ROOT, "%sROC curve (AUC %.4f)", weights == null ? "" : "Weighted ", auc), "false positive rate", "true positive rate");
        r.addSeries("model", roc.x(), roc.y()).setMarker(SeriesMarkers.NONE);
        r.addSeries("chance", new double[] {0, 1}, new double[] {0, 1}).setMarker(SeriesMarkers.NONE);
        files.add(save(r, dir, "roc"));
        Curves.Curve pr = Curves.precisionRecall(logits, labels, weights);
        XYChart p = chart(String.format(java.util.Locale.ROOT, "%sPrecision-recall curve (average precision %.4f)", weights == null ? "" : "Weighted ", ap), "recall", "precision");
        p.addSeries("model", pr.x(), pr.y()).setMarker(SeriesMarkers.NONE);
        files.add(save(p, dir, "precision-recall"));
        Curves.Curve cal = Curves.calibration(logits, labels, weights, 10);
        XYChart k = chart(weights == null ? "Calibration (10 bins)" : "Weighted calibration (10 bins)", "mean predicted probability", "fraction of positives");
        k.addSeries("model", cal.x(), cal.y()).setMarker(SeriesMarkers.CIRCLE);
        k.addSeries("perfectly calibrated", new double[] {0, 1}, new double[] {0, 1}).setMarker(SeriesMarkers.NONE);
        files.add(save(k, dir, "calibration"));
        return files;
    }

    private static void prepare(Path dir) throws IOException {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
    }

    /** {@code objective.png}: the training objective per iteration. */
    private static Path objective(Path dir, List<SavedModel.HistoryPoint> history, String optimizer) throws IOException {
        int k = history.size();
        double[] it = new double[k];
        double[] obj = new double[k];
        for (int i = 0; i < k; i++) {
            it[i] = history.get(i).iteration();
            obj[i] = history.get(i).objective();
        }
        XYChart c = chart("Training objective per iteration (" + optimizer + ")", "iteration", "objective");
        XYSeries s = c.addSeries("objective", it, obj);
        s.setMarker(SeriesMarkers.CIRCLE);
        return save(c, dir, "objective");
    }

    /**
     * {@code train --plot}: {@code objective.png} of the final fit (where it has a history) and, after
     * cross-validation, {@code cross-validation.png}: the mean held-out score ± one standard error against log₁₀ λ,
     * with the best and the 1se λ marked (glmnet's {@code plot(cv.glmnet)}).
     *
     * @return the files written
     */
    static List<Path> training(Path dir, SavedModel model, CrossValidationResult cv) throws IOException {
        prepare(dir);
        List<Path> files = new ArrayList<>();
        if (!model.history().isEmpty()) files.add(objective(dir, model.history(), model.optimizer()));
        if (cv != null) {
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
                lo = Math.min(lo, mean[g] - se[g]);
                hi = Math.max(hi, mean[g] + se[g]);
            }
            XYChart c = chart(String.format(java.util.Locale.ROOT, "%d-fold cross-validation (%s, %s is better)", cv.folds(), cv.scorer(),
                    cv.higherIsBetter() ? "higher" : "lower"), "log10(lambda)", "mean held-out " + cv.scorer() + " ± 1 standard error");
            c.addSeries("mean", x, mean, se).setMarker(SeriesMarkers.CIRCLE);
            double best = x[cv.bestIndex()];
            double oneSe = x[cv.oneStandardErrorIndex()];
            c.addSeries("best lambda", new double[] {best, best}, new double[] {lo, hi}).setMarker(SeriesMarkers.NONE);
            c.addSeries("1se lambda", new double[] {oneSe, oneSe}, new double[] {lo, hi}).setMarker(SeriesMarkers.NONE);
            files.add(save(c, dir, "cross-validation"));
        }
        return files;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendVisible(true);
        return c;
    }

    /** Writes {@code name.png} atomically ({@link AtomicFile}). */
    private static Path save(XYChart c, Path dir, String name) throws IOException {
        Path f = dir.resolve(name + ".png");
        AtomicFile.write(f, out -> BitmapEncoder.saveBitmap(c, out, BitmapEncoder.BitmapFormat.PNG));
        return f;
    }
}
