package dev.logreg.bench.cpu;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.data.SparseBuilder;
import dev.logreg.loss.Loss;
import dev.logreg.objective.ColumnStatistics;
import dev.logreg.objective.LogisticObjective;
import dev.logreg.objective.Preconditioner;
import dev.logreg.optim.IterationState;
import dev.logreg.optim.LbfgsOptimizer;
import dev.logreg.optim.OptimizationResult;
import dev.logreg.optim.Optimizer;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.optim.TrainingListener;
import dev.logreg.optim.TronOptimizer;
import dev.logreg.penalty.Penalty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Should {@code auto} pick the truncated Newton method ({@code tron}) for high-dimensional sparse data? On a seeded
 * synthetic sparse set shaped like text data (power-law column frequencies, rows L2-normalized, more features than
 * rows), for several L2 strengths λ, with and without the optimizer's preconditioner (the exact change of variables to
 * standardized columns every training run uses, {@code TrainingOptions.precondition}; not the penalty on scales of
 * {@code --standardize}): L-BFGS's and tron's passes and time to J ≤ J*·(1 + 1e-6) (J* the lower of both tight runs)
 * and to their default stopping rule (and the time per pass that makes, the optimizer's own work included), then the
 * cost of one value+gradient pass and of one Hessian-vector product on the same backend, measured alone after the
 * runs. The dense copy the data's column
 * statistics are taken from is made once and dropped (only the statistics are kept).
 *
 * <p>Arguments: {@code --rows R --cols N --nnz Z (mean nonzeros a row) --classes K (2: log loss; more: multinomial)
 * --lambdas L1,L2,... --backend NAME --seed S --reps N}.
 */
public final class TronBenchmark {
    private TronBenchmark() {}

    public static void main(String[] args) {
        int rows = 8000, cols = 16384, nnz = 40, classes = 2, reps = 3;
        long seed = 20261203L;
        String backendName = "reference";
        double[] lambdas = {1.0, 0.1, 0.01, 0.001};
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--rows": rows = Integer.parseInt(v); break;
                case "--cols": cols = Integer.parseInt(v); break;
                case "--nnz": nnz = Integer.parseInt(v); break;
                case "--classes": classes = Integer.parseInt(v); break;
                case "--reps": reps = Integer.parseInt(v); break;
                case "--seed": seed = Long.parseLong(v); break;
                case "--backend": backendName = v; break;
                case "--lambdas": lambdas = Arrays.stream(v.split(",")).mapToDouble(Double::parseDouble).toArray(); break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Dataset data = generate(rows, cols, nnz, classes, seed);
        Loss loss = classes > 2 ? Loss.multinomial() : Loss.log();
        System.out.printf(Locale.ROOT, "data: %d x %d sparse, %d nonzeros (%.1f a row), K = %d, seed %d, loss %s%n", rows, cols, data.nonzeros(),
                (double) data.nonzeros() / rows, classes, seed, loss.kind());
        ColumnStatistics stats = ColumnStatistics.of(data.toDense());
        try (Backend backend = BackendFactory.discover().openByName(backendName, BackendOptions.DEFAULT);
             DataTerm term = backend.bind(data, loss)) {
            System.out.println("backend: " + backend.description());
            if (!term.supportsHessianVector()) {
                System.out.println("backend " + backend.name() + " computes no Hessian-vector products: tron is not measured");
                return;
            }
            System.out.println("J = (1/m) sum loss + (lambda/2m)||theta||^2, intercept free; default stopping rule (gradient 1e-8, change 1e-14);"
                    + " passes and seconds (median of " + reps + ") to J <= J*(1 + 1e-6), then to the stopping rule");
            for (boolean precondition : new boolean[] {true, false}) {
                for (double lambda : lambdas) compare(term, loss, stats, precondition, lambda, reps);
            }
            passCosts(term, reps); // after the runs above, with the JIT warm
        }
    }

    /** Median times of a value+gradient pass and of a Hessian-vector product (curvatures kept) at one point. */
    private static void passCosts(DataTerm term, int reps) {
        int d = term.shape().length();
        double[] p = new double[d];
        double[] v = new double[d];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < d; i++) {
            p[i] = 0.1 * r.nextGaussian();
            v[i] = r.nextGaussian();
        }
        double[] out = new double[d];
        int n = Math.max(11, 2 * reps + 1);
        double[] vg = new double[n];
        double[] hv = new double[n];
        term.hessianVector(p, v, out); // keeps the curvatures at p, as in a CG solve
        for (int k = 0; k < n; k++) {
            long t0 = System.nanoTime();
            term.valueAndGradient(p, out);
            long t1 = System.nanoTime();
            term.hessianVector(p, v, out);
            long t2 = System.nanoTime();
            vg[k] = (t1 - t0) / 1e6;
            hv[k] = (t2 - t1) / 1e6;
        }
        double a = median(vg);
        double b = median(hv);
        System.out.printf(Locale.ROOT, "pass costs (median of %d): value+gradient %.2f ms, Hessian-vector product %.2f ms (ratio %.2f)%n", n, a, b, b / a);
    }

    private static void compare(DataTerm term, Loss loss, ColumnStatistics stats, boolean precondition, double lambda, int reps) {
        Penalty penalty = Penalty.l2(lambda);
        double m = term.weightSum(0, term.rows());
        Preconditioner pre = precondition ? Preconditioner.fromStatistics(stats, true, penalty.l2Coefficients(m, term.features()))
                : Preconditioner.identity(term.features());
        LogisticObjective f = new LogisticObjective(term, loss, penalty, true, pre);
        StoppingCriteria tight = new StoppingCriteria(5000, 1e-13, 0.0, null);
        double jStar = Math.min(run(new LbfgsOptimizer(), f, tight, new ArrayList<>()).objective(),
                run(new TronOptimizer(), f, tight, new ArrayList<>()).objective());
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "preconditioned %-5s lambda %-6s J* %.12f", precondition, lambda, jStar));
        for (Optimizer o : new Optimizer[] {new LbfgsOptimizer(), new TronOptimizer()}) {
            double[] toTarget = new double[reps];
            double[] toStop = new double[reps];
            long passesToTarget = -1;
            OptimizationResult last = null;
            for (int k = 0; k < reps; k++) {
                List<IterationState> seen = new ArrayList<>();
                last = run(o, f, StoppingCriteria.DEFAULT, seen);
                toStop[k] = last.elapsedNanos() / 1e9;
                toTarget[k] = Double.NaN;
                for (IterationState s : seen) {
                    if (s.objective() <= jStar * (1 + 1e-6)) {
                        toTarget[k] = s.elapsedNanos() / 1e9;
                        passesToTarget = s.evaluations();
                        break;
                    }
                }
            }
            line.append(String.format(Locale.ROOT, " | %s: to 1e-6 %d passes %.3f s; stop %s after %d iterations, %d passes, %.3f s (%.2f ms a pass), gap %.1e",
                    o.name(), passesToTarget, median(toTarget), last.status(), last.iterations(), last.evaluations(), median(toStop),
                    1e3 * median(toStop) / last.evaluations(), (last.objective() - jStar) / Math.abs(jStar)));
        }
        System.out.println(line);
    }

    private static OptimizationResult run(Optimizer o, LogisticObjective f, StoppingCriteria c, List<IterationState> seen) {
        TrainingListener l = seen::add;
        return o.minimize(f, new double[f.dimension()], c, l);
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /**
     * Seeded text-like rows: a row's nonzero count uniform in [1, 2Z − 1], columns drawn with probability ∝
     * (j + 10)^−0.9 (a power law: a few common columns, a long tail), tf-idf-like values rescaled to unit L2 norm
     * per row; labels from a model on a fifth of the columns (K logits for K > 2), so that no class separates.
     */
    static Dataset generate(int rows, int cols, int nnz, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int outputs = classes > 2 ? classes : 1;
        double[][] theta = new double[outputs][cols];
        for (double[] t : theta) for (int j = 0; j < cols; j++) t[j] = r.nextDouble() < 0.2 ? 2 * r.nextGaussian() : 0.0;
        double[] cdf = new double[cols];
        double total = 0;
        for (int j = 0; j < cols; j++) {
            total += Math.pow(j + 10, -0.9);
            cdf[j] = total;
        }
        SparseBuilder b = Dataset.sparseBuilder(cols);
        if (classes > 2) b.classes(classes);
        int[] idx = new int[2 * nnz];
        float[] val = new float[2 * nnz];
        double[] z = new double[outputs];
        for (int i = 0; i < rows; i++) {
            int k = 1 + r.nextInt(2 * nnz - 1);
            java.util.TreeSet<Integer> set = new java.util.TreeSet<>();
            while (set.size() < Math.min(k, cols)) {
                int j = Arrays.binarySearch(cdf, r.nextDouble() * total);
                set.add(Math.min(j < 0 ? -j - 1 : j, cols - 1));
            }
            int q = 0;
            double norm = 0;
            for (int j : set) {
                idx[q] = j;
                double v = (1 + r.nextInt(5)) * Math.log((j + 10) / 5.0);
                val[q] = (float) v;
                norm += v * v;
                q++;
            }
            Arrays.fill(z, 0.0);
            for (int e = 0; e < q; e++) {
                val[e] = (float) (val[e] / Math.sqrt(norm));
                for (int c = 0; c < outputs; c++) z[c] += theta[c][idx[e]] * val[e];
            }
            float label;
            if (outputs == 1) {
                label = r.nextDouble() < 1 / (1 + Math.exp(-(4 * z[0] - 0.3))) ? 1f : 0f;
            } else {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < outputs; c++) max = Math.max(max, 4 * z[c]);
                double s = 0;
                for (int c = 0; c < outputs; c++) s += Math.exp(4 * z[c] - max);
                double u = r.nextDouble() * s;
                int c = 0;
                for (double acc = Math.exp(4 * z[0] - max); acc < u && c < outputs - 1; acc += Math.exp(4 * z[c] - max)) c++;
                label = c;
            }
            b.addRow(idx, val, q, label);
        }
        return b.build();
    }
}
