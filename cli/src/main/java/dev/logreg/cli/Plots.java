package dev.logreg.cli;

import dev.logreg.io.SavedModel;
import dev.logreg.metrics.Curves;
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

/** PNG charts of a model and its evaluation, drawn with XChart (headless). Stateless. */
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
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        if (!model.history().isEmpty()) {
            int k = model.history().size();
            double[] it = new double[k];
            double[] obj = new double[k];
            for (int i = 0; i < k; i++) {
                it[i] = model.history().get(i).iteration();
                obj[i] = model.history().get(i).objective();
            }
            XYChart c = chart("Training objective per iteration (" + model.optimizer() + ")", "iteration", "objective");
            XYSeries s = c.addSeries("objective", it, obj);
            s.setMarker(SeriesMarkers.CIRCLE);
            files.add(save(c, dir, "objective"));
        }
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

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendVisible(true);
        return c;
    }

    private static Path save(XYChart c, Path dir, String name) throws IOException {
        Path f = dir.resolve(name + ".png");
        BitmapEncoder.saveBitmap(c, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
        return f;
    }
}
