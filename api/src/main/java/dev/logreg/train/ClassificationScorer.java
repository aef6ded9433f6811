package dev.logreg.train;

import java.util.Objects;

/** {@link Scorer#accuracy()} and {@link Scorer#macroF1()}, for binary and K-class models, weighted by the sample weights. */
final class ClassificationScorer implements Scorer {
    static final ClassificationScorer ACCURACY = new ClassificationScorer("accuracy");
    static final ClassificationScorer MACRO_F1 = new ClassificationScorer("macro-f1");

    private final String name;

    private ClassificationScorer(String name) {
        this.name = name;
    }

    @Override public String name() { return name; }

    @Override public boolean higherIsBetter() { return true; }

    @Override public boolean supportsClasses() { return true; }

    @Override
    public double score(double[] logits, float[] labels, float[] weights) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(labels, "labels");
        int[] predicted = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (Double.isNaN(logits[i])) return Double.NaN;
            predicted[i] = logits[i] >= 0 ? 1 : 0;
        }
        return of(predicted, 2, labels, weights);
    }

    @Override
    public double scoreClasses(double[] logProbabilities, int classes, float[] labels, float[] weights) {
        Objects.requireNonNull(logProbabilities, "logProbabilities");
        Objects.requireNonNull(labels, "labels");
        int[] predicted = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 0; c < classes; c++) {
                double v = logProbabilities[i * classes + c];
                if (Double.isNaN(v)) return Double.NaN;
                if (v > logProbabilities[i * classes + best]) best = c;
            }
            predicted[i] = best;
        }
        return of(predicted, classes, labels, weights);
    }

    private double of(int[] predicted, int classes, float[] labels, float[] weights) {
        double[] truePositive = new double[classes];
        double[] actual = new double[classes];
        double[] called = new double[classes];
        double weightSum = 0;
        for (int i = 0; i < labels.length; i++) {
            double w = weights == null ? 1 : weights[i];
            if (w == 0) continue;
            int y = (int) labels[i];
            actual[y] += w;
            called[predicted[i]] += w;
            if (predicted[i] == y) truePositive[y] += w;
            weightSum += w;
        }
        if (!(weightSum > 0)) throw new IllegalArgumentException("no held-out row has a positive weight: the " + name + " is undefined");
        if (this == ACCURACY) {
            double correct = 0;
            for (double t : truePositive) correct += t;
            return correct / weightSum;
        }
        double sum = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            if (actual[c] == 0 && called[c] == 0) continue;
            present++;
            // 2TP / (2TP + FP + FN) = 2TP / (actual + called); a class called but absent (or the reverse) scores 0.
            sum += 2 * truePositive[c] / (actual[c] + called[c]);
        }
        return sum / present;
    }

    @Override public String toString() { return name; }
}
