package dev.logreg.bench.cpu;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.cpu.Nd4jBackend;
import dev.logreg.data.Dataset;
import dev.logreg.model.LinearClassifier;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * An L2 path of {@code --lambdas} values from {@code --top} down to {@code --top × --min-ratio} (log-spaced, as
 * cross-validation's grid), each fit warm-started from the one before, with L-BFGS at the default tolerances on the
 * CPU backend ({@code --backend reference}: the plain-Java one, whose row-order sums round the most): per λ the iterations, the evaluations (one pass over the rows each) and the status, then the totals.
 * Over millions of rows J's float64 sums round at about 1e-13 of J, and a warm start's first steps may decrease J by
 * less than that: what the line search does there shows here as evaluations (run-warm-path.sh runs it against the
 * api of a baseline commit too).
 *
 * <p>Data: {@link BandwidthBenchmark#generate} (seed {@code --seed}, default 42), or {@code --labels-noise S} for
 * labels from x₀ + S·N(0,1) &gt; 0 (a weak rule, whose optimum is flat). Arguments: {@code [--rows R] [--cols N]
 * [--top L] [--lambdas K] [--min-ratio Q] [--seed S] [--labels-noise S] [--backend cpu|reference]}.
 */
public final class WarmStartPathBenchmark {
    private WarmStartPathBenchmark() {}

    public static void main(String[] args) {
        int rows = 4_000_000;
        int cols = 10;
        double top = 1e4;
        int lambdas = 20;
        double minRatio = 1e-4;
        long seed = 42;
        double labelsNoise = 0;
        boolean reference = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows": rows = Integer.parseInt(args[++i]); break;
                case "--cols": cols = Integer.parseInt(args[++i]); break;
                case "--top": top = Double.parseDouble(args[++i]); break;
                case "--lambdas": lambdas = Integer.parseInt(args[++i]); break;
                case "--min-ratio": minRatio = Double.parseDouble(args[++i]); break;
                case "--seed": seed = Long.parseLong(args[++i]); break;
                case "--labels-noise": labelsNoise = Double.parseDouble(args[++i]); break;
                case "--backend": reference = args[++i].equals("reference"); break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        float[] x = new float[Math.multiplyExact(rows, cols)];
        float[] y = new float[rows];
        SplittableRandom rnd = new SplittableRandom(seed);
        BandwidthBenchmark.generate(x, y, rows, cols, rnd);
        if (labelsNoise > 0) {
            for (int i = 0; i < rows; i++) y[i] = x[i * cols] + labelsNoise * BandwidthBenchmark.gaussian(rnd) > 0 ? 1f : 0f;
        }
        Dataset data = CrossValidationBenchmark.direct(x, y, cols);
        System.out.printf(Locale.ROOT, "data: %d x %d float32, seed %d, labels %s; L2 path of %d lambdas from %g down to %g, warm-started, lbfgs, "
                + "default tolerances%n", rows, cols, seed, labelsNoise > 0 ? "x0 + " + labelsNoise + " N(0,1) > 0" : "BandwidthBenchmark.generate",
                lambdas, top, top * minRatio);
        try (Backend backend = reference ? new ReferenceBackend() : new Nd4jBackend(BackendOptions.DEFAULT)) {
            System.out.println("backend: " + backend.description());
            LinearClassifier start = null;
            long evaluations = 0;
            long iterations = 0;
            int unconverged = 0;
            StringBuilder perLambda = new StringBuilder();
            double objective = Double.NaN;
            long t0 = System.nanoTime();
            for (int k = 0; k < lambdas; k++) {
                double lambda = top * Math.pow(minRatio, lambdas == 1 ? 0 : k / (double) (lambdas - 1));
                TrainingOptions options = TrainingOptions.DEFAULT.withPenalty(Penalty.l2(lambda)).withOptimizer("lbfgs");
                TrainingResult fit = Trainer.fit(backend, data, options, start, null);
                start = fit.classifier();
                objective = fit.objective();
                evaluations += fit.optimization().evaluations();
                iterations += fit.optimization().iterations();
                boolean converged = fit.status().isConverged();
                if (!converged) unconverged++;
                perLambda.append(String.format(Locale.ROOT, " %d/%d%s", fit.optimization().iterations(), fit.optimization().evaluations(),
                        converged ? "" : "(" + fit.status() + ")"));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.println("per lambda, iterations/evaluations:" + perLambda);
            System.out.printf(Locale.ROOT, "path: %d fits, %d iterations, %d evaluations, %d not converged, %.2f s; final J %.15g%n",
                    lambdas, iterations, evaluations, unconverged, seconds, objective);
        }
    }
}
