package dev.logreg.bench.cpu.peers;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.bench.cpu.BandwidthBenchmark;
import dev.logreg.cpu.Nd4jBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.objective.ColumnStatistics;
import dev.logreg.objective.LogisticObjective;
import dev.logreg.objective.Preconditioner;
import dev.logreg.optim.IterationState;
import dev.logreg.optim.LbfgsOptimizer;
import dev.logreg.optim.OptimizationResult;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.optim.TrainingListener;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.SyntheticData;
import dev.logreg.data.RowBlock;
import dev.logreg.train.BoundData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Issue requirement 4b: wall time to reach J ≤ J*·(1 + 1e-6) for L2-regularized log loss (λ = 1, free intercept),
 * J = (1/m) Σ ℓ + (λ/2m) ‖θ‖², for logreg's CPU backend (Trainer, L-BFGS) beside Apache Spark MLlib's
 * LogisticRegression (local[2]) and Smile's LogisticRegression, on the same data in the same run.
 *
 * <p>J* is our Newton method's optimum on the CPU backend. Every contender's objective is evaluated by our CPU backend
 * (float64 sums, exact stable loss) on the coefficients it returns. A contender's time is that of the smallest
 * iteration budget (5, 10, 20, 50, ...; each a fresh fit, timed from the contender's own in-memory data to its
 * model) whose result reaches the target. Parameter maps: Spark regParam = λ/m, elasticNetParam = 0,
 * standardization = false, fitIntercept = true, tol = 1e-15 (Spark minimizes (1/m) Σ ℓ + (regParam/2) ‖θ‖²);
 * Smile lambda = λ, tol = 1e-15 (Smile's BinomialObjective is Σ ℓ + (λ/2) ‖θ‖², intercept unpenalized, = m·J).
 *
 * <p>logreg is timed four ways: {@code Trainer.fit} on the heap arrays (the bind copies them into ND4J memory),
 * {@code Trainer.fit} on the same rows in direct native-order buffers (the bind reads them in place), {@code
 * Trainer.fit} on data bound once ({@code Trainer.bind}, as a regularization path would), and the optimizer alone
 * on the objective composed by hand. The bind times of the first two are printed beside the same run's bulk copy
 * and fresh-page figures.
 *
 * <p>Run through {@code benchmarks/cpu/run-time-to-optimum.sh}. Arguments: {@code [--rows R] [--cols N]
 * [--hard-rows R] [--hard-cols N] [--max-budget B] [--skip-spark-big] [--skip-peers] [--stream-binary PATH]}
 * ({@code --skip-peers}: logreg alone, no Smile and no Spark).
 */
public final class TimeToOptimumBenchmark {
    private static final double LAMBDA = 1.0;
    private static final double TARGET = 1e-6;
    private static final int[] BUDGETS = {5, 10, 20, 50, 100, 200, 500, 1000, 2000};

    private TimeToOptimumBenchmark() {}

    /** Runs the benchmark; prints one line per fit and a summary per data set. */
    public static void main(String[] args) throws Exception {
        int rows = 1_000_000;
        int cols = 100;
        int hardRows = 100_000;
        int hardCols = 50;
        int maxBudget = 1000;
        boolean skipSparkBig = false;
        boolean skipPeers = false;
        String streamBinary = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows": rows = Integer.parseInt(args[++i]); break;
                case "--cols": cols = Integer.parseInt(args[++i]); break;
                case "--hard-rows": hardRows = Integer.parseInt(args[++i]); break;
                case "--hard-cols": hardCols = Integer.parseInt(args[++i]); break;
                case "--max-budget": maxBudget = Integer.parseInt(args[++i]); break;
                case "--skip-spark-big": skipSparkBig = true; break;
                case "--skip-peers": skipPeers = true; break;
                case "--stream-binary": streamBinary = args[++i]; break;
                default: throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "objective: J = (1/m) sum log-loss + (lambda/2m) |theta|^2, lambda = %.1f, free intercept; target J <= J*(1 + %.0e)%n", LAMBDA, TARGET);
        System.out.println("parameter maps: logreg Trainer(optimizer lbfgs, Penalty.l2(lambda), fitIntercept) on the ND4J CPU backend;");
        System.out.println("  Spark LogisticRegression(regParam = lambda/m, elasticNetParam = 0, standardization = false, fitIntercept = true, tol = 1e-15, maxIter = budget), local[2];");
        System.out.println("  Smile LogisticRegression.binomial(x, y, lambda_s = lambda, tol = 1e-15, maxIter = budget) (Smile minimizes sum log-loss + (lambda_s/2)|w|^2 = m J);");
        System.out.println("  J* from logreg's Newton method on the CPU backend; every J below evaluated by logreg's CPU backend on the returned coefficients.");

        float[] x = new float[Math.multiplyExact(rows, cols)];
        float[] y = new float[rows];
        BandwidthBenchmark.generate(x, y, rows, cols, new SplittableRandom(42));
        double javaRead = BandwidthBenchmark.javaReadBandwidth(x, cores, 10);
        double cRead = streamBinary == null ? Double.NaN : BandwidthBenchmark.runStream(streamBinary);
        double stream = Double.isNaN(cRead) ? javaRead : Math.max(javaRead, cRead);
        System.out.printf(Locale.ROOT, "streaming read bandwidth: Java %.2f GB/s, C %.2f GB/s, best %.2f GB/s (%d cores)%n", javaRead, cRead, stream, cores);

        run("(i) seeded " + rows + " x " + cols + " float32 (BandwidthBenchmark's data, seed 42)",
                Dataset.wrap(x, cols, y, null), stream, maxBudget, !skipPeers, !skipSparkBig && !skipPeers);
        x = null;
        y = null;
        run("(ii) SyntheticData.hard(" + hardRows + ", " + hardCols + ", 20240601): AR(1) rho 0.9, scales 10^U(-3,3)",
                SyntheticData.hard(hardRows, hardCols, 20240601L), stream, maxBudget, !skipPeers, !skipPeers);
    }

    private static void run(String name, Dataset data, double stream, int maxBudget, boolean withSmile, boolean withSpark) throws Exception {
        int m = (int) data.rows();
        int n = data.cols();
        double bytesX = 4.0 * m * n;
        System.out.printf(Locale.ROOT, "%n== %s: %d x %d, X = %.1f MB%n", name, m, n, bytesX / 1e6);
        List<String> summary = new ArrayList<>();
        TrainingOptions base = TrainingOptions.DEFAULT.withPenalty(Penalty.l2(LAMBDA));
        Dataset direct = direct(data);
        try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT);
             BoundData boundData = Trainer.bind(cpu, data, base.withOptimizer("lbfgs"))) {
            DataTerm term = boundData.term();
            LogisticObjective judge = new LogisticObjective(term, Loss.log(), Penalty.l2(LAMBDA), true, Preconditioner.identity(n));

            // What the bind costs beside what moving X can cost here, same minutes: a bulk copy into memory touched
            // before, and fresh pages (allocateDirect zero-fills, so it pays the first touch of every page).
            bindTimes(cpu, data, direct, bytesX);

            long t0 = System.nanoTime();
            TrainingResult newton = Trainer.fit(boundData, base.withOptimizer("newton")
                    .withCriteria(StoppingCriteria.DEFAULT.withGradientTolerance(1e-12).withMaxIterations(100)), TrainingListener.NONE);
            double jStar = judge.objectiveAtModel(params(newton.model().coefficients(), newton.model().intercept()));
            System.out.printf(Locale.ROOT, "J* = %.17g (Newton: %s, %d iterations, %.2f s)%n", jStar, newton.status(),
                    newton.optimization().iterations(), (System.nanoTime() - t0) / 1e9);

            // logreg: the same budget scheme as the peers, plus its own passes over X.
            Reached ours = budgets("logreg cpu lbfgs", maxBudget, jStar, judge,
                    budget -> timedFit(() -> Trainer.fit(cpu, data, lbfgs(base, budget), TrainingListener.NONE)));
            if (ours.fit != null) {
                double atBandwidth = ours.fit.evaluations * bytesX / (stream * 1e9);
                summary.add(String.format(Locale.ROOT, "logreg cpu lbfgs, Trainer.fit (binds the data each time): %.3f s (budget %d; %s); %d passes over X at %.2f GB/s = %.3f s; fit time / that = %.2f, optimizer time / that = %.2f",
                        ours.fit.seconds, ours.budget, ours.fit.detail, ours.fit.evaluations, stream, atBandwidth, ours.fit.seconds / atBandwidth, ours.fit.optimizerSeconds / atBandwidth));
            } else {
                summary.add("logreg cpu lbfgs: did not reach the target; best relative gap " + ours.bestGap);
            }

            if (direct != null) {
                Reached inPlace = budgets("logreg cpu direct", maxBudget, jStar, judge,
                        budget -> timedFit(() -> Trainer.fit(cpu, direct, lbfgs(base, budget), TrainingListener.NONE)));
                summary.add(inPlace.fit != null
                        ? String.format(Locale.ROOT, "logreg cpu lbfgs, Trainer.fit on direct native-order buffers (bound in place): %.3f s (budget %d; %s)",
                                inPlace.fit.seconds, inPlace.budget, inPlace.fit.detail)
                        : "logreg cpu lbfgs, Trainer.fit on direct buffers: did not reach the target; best relative gap " + inPlace.bestGap);
            }

            // Trainer.fit on data bound once (Trainer.bind): what a regularization path pays per fit after the first.
            Trainer.fit(boundData, base.withOptimizer("lbfgs").withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(1)), TrainingListener.NONE);  // column statistics, once
            Reached onBound = budgets("logreg fit(bound)", maxBudget, jStar, judge,
                    budget -> timedFit(() -> Trainer.fit(boundData, lbfgs(base, budget), TrainingListener.NONE)));
            summary.add(onBound.fit != null
                    ? String.format(Locale.ROOT, "logreg cpu lbfgs, Trainer.fit(BoundData) on data bound once: %.3f s (budget %d; %s)",
                            onBound.fit.seconds, onBound.budget, onBound.fit.detail)
                    : "logreg cpu lbfgs, Trainer.fit(BoundData): did not reach the target; best relative gap " + onBound.bestGap);

            // logreg again with the data bound once, as Spark's cached DataFrame and Smile's double[][] are built once:
            // the optimizer alone on the objective that Trainer composes (same preconditioner, same start).
            Preconditioner pre = Preconditioner.fromStatistics(ColumnStatistics.of(data), true, Penalty.l2(LAMBDA).l2Coefficient(data.weightSum()));
            LogisticObjective objective = new LogisticObjective(term, Loss.log(), Penalty.l2(LAMBDA), true, pre);
            Reached bound = budgets("logreg (pre-bound)", maxBudget, jStar, judge, budget -> {
                long s = System.nanoTime();
                OptimizationResult r = new LbfgsOptimizer().minimize(objective, new double[objective.dimension()],
                        StoppingCriteria.DEFAULT.withMaxIterations(budget).withGradientTolerance(1e-15).withRelativeObjectiveTolerance(0), TrainingListener.NONE);
                double secs = (System.nanoTime() - s) / 1e9;
                return new Fit(objective.modelParameters(r.solution()), secs,
                        String.format(Locale.ROOT, "%d iterations, %d evaluations, %s", r.iterations(), r.evaluations(), r.status()),
                        r.evaluations(), secs);
            });
            if (bound.fit != null) {
                double atBandwidth = bound.fit.evaluations * bytesX / (stream * 1e9);
                summary.add(String.format(Locale.ROOT, "logreg cpu lbfgs, data bound once: %.3f s (budget %d; %s); %d passes over X at %.2f GB/s = %.3f s; time / that = %.2f",
                        bound.fit.seconds, bound.budget, bound.fit.detail, bound.fit.evaluations, stream, atBandwidth, bound.fit.seconds / atBandwidth));
            } else {
                summary.add("logreg cpu lbfgs, data bound once: did not reach the target; best relative gap " + bound.bestGap);
            }

            // The same once more in a single fit, stopped by a listener at the first iterate whose J (as the optimizer
            // evaluates it, on the CPU backend) reaches the target: the time to the target without the budget steps.
            // (The peers offer no such hook; their times are quantized by the budgets.)
            double threshold = jStar + TARGET * Math.abs(jStar);
            IterationState[] hit = new IterationState[1];
            TrainingListener stopAtTarget = new TrainingListener() {
                @Override public void onIteration(IterationState state) {
                    if (hit[0] == null && state.objective() <= threshold) hit[0] = state;
                }

                @Override public boolean stopRequested() {
                    return hit[0] != null;
                }
            };
            long s0 = System.nanoTime();
            OptimizationResult early = new LbfgsOptimizer().minimize(objective, new double[objective.dimension()],
                    StoppingCriteria.DEFAULT.withMaxIterations(5000).withGradientTolerance(1e-15).withRelativeObjectiveTolerance(0), stopAtTarget);
            double earlySecs = (System.nanoTime() - s0) / 1e9;
            double earlyGap = (judge.objectiveAtModel(objective.modelParameters(early.solution())) - jStar) / Math.abs(jStar);
            System.out.printf(Locale.ROOT, "  %-18s %8.3f s, relative gap %.3e (judged), %d iterations, %d evaluations, %s%n",
                    "logreg (stop@target)", earlySecs, earlyGap, early.iterations(), early.evaluations(), early.status());
            if (earlyGap <= TARGET) {
                double atBandwidth = early.evaluations() * bytesX / (stream * 1e9);
                summary.add(String.format(Locale.ROOT, "logreg cpu lbfgs, data bound once, stopped at the target by a listener: %.3f s (%d iterations, %d evaluations); %d passes over X at %.2f GB/s = %.3f s; time / that = %.2f",
                        earlySecs, early.iterations(), early.evaluations(), early.evaluations(), stream, atBandwidth, earlySecs / atBandwidth));
            } else {
                summary.add(String.format(Locale.ROOT, "logreg cpu lbfgs, stopped by a listener: did not reach the target (relative gap %.3e, %s)", earlyGap, early.status()));
            }

            if (withSmile) {
                Reached smiles = smile(data, maxBudget, jStar, judge);
                summary.add(smiles.fit != null ? String.format(Locale.ROOT, "smile: %.3f s (budget %d)", smiles.fit.seconds, smiles.budget)
                        : "smile: did not reach the target; best relative gap " + smiles.bestGap);
            } else {
                summary.add("smile: skipped (--skip-peers)");
            }

            if (withSpark) {
                Reached spark = spark(data, maxBudget, jStar, judge);
                summary.add(spark.fit != null ? String.format(Locale.ROOT, "spark local[2]: %.3f s (budget %d)", spark.fit.seconds, spark.budget)
                        : "spark local[2]: did not reach the target; best relative gap " + spark.bestGap);
            } else {
                summary.add("spark local[2]: skipped (--skip-spark-big or --skip-peers)");
            }
        }
        System.out.println("summary " + name + ":");
        for (String s : summary) System.out.println("  " + s);
    }

    /** The same rows in direct native-order buffers (one block), or null where X exceeds one buffer. */
    private static Dataset direct(Dataset data) {
        if (data.blocks().size() != 1 || 4L * data.rows() * data.cols() > Integer.MAX_VALUE || data.isWeighted()) return null;
        RowBlock b = data.blocks().get(0);
        return Dataset.wrap(directCopy(b.features()), data.cols(), directCopy(b.labels()), null, null);
    }

    private static FloatBuffer directCopy(FloatBuffer src) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(src.limit(), Float.BYTES)).order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, src, 0, src.limit());
    }

    /** Prints Nd4jBackend.bind of the heap and the direct rows beside a bulk copy and fresh pages of X's size. */
    private static void bindTimes(Nd4jBackend cpu, Dataset heap, Dataset direct, double bytesX) {
        FloatBuffer src = heap.blocks().get(0).features();
        int floats = heap.blocks().size() == 1 && bytesX <= Integer.MAX_VALUE ? src.limit() : 0;
        FloatBuffer touched = floats == 0 ? null : ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, src, 0, floats);
        for (int rep = 0; rep < 3; rep++) {
            double copy = Double.NaN;
            double fresh = Double.NaN;
            if (touched != null) {
                long t0 = System.nanoTime();
                touched.put(0, src, 0, floats);
                copy = (System.nanoTime() - t0) / 1e9;
                t0 = System.nanoTime();
                ByteBuffer b = ByteBuffer.allocateDirect(4 * floats);
                fresh = (System.nanoTime() - t0) / 1e9;
                if (b.get(0) != 0) throw new AssertionError("allocateDirect did not zero-fill");
            }
            long t0 = System.nanoTime();
            cpu.bind(heap, Loss.log()).close();
            double heapBind = (System.nanoTime() - t0) / 1e9;
            double directBind = Double.NaN;
            if (direct != null) {
                t0 = System.nanoTime();
                cpu.bind(direct, Loss.log()).close();
                directBind = (System.nanoTime() - t0) / 1e9;
            }
            System.out.printf(Locale.ROOT, "  bind rep %d: heap float[] (copied) %.3f s, direct buffers (in place) %.4f s; bulk copy of X into touched memory %.3f s,"
                    + " fresh pages of X's size (allocateDirect) %.3f s; heap bind / fresh pages = %.2f%n", rep + 1, heapBind, directBind, copy, fresh, heapBind / fresh);
            System.gc();  // frees this repetition's direct buffer
        }
    }

    /** Smile on double[][] rows and int labels (its input types), freed when this returns. */
    private static Reached smile(Dataset data, int maxBudget, double jStar, LogisticObjective judge) {
        int m = (int) data.rows();
        int n = data.cols();
        double[][] sx = new double[m][n];
        int[] sy = new int[m];
        float[] row = new float[n];
        for (int i = 0; i < m; i++) {
            data.copyRow(i, row);
            for (int j = 0; j < n; j++) sx[i][j] = row[j];
            sy[i] = data.label(i) == 1f ? 1 : 0;
        }
        return budgets("smile", maxBudget, jStar, judge, budget -> {
            long s = System.nanoTime();
            smile.classification.LogisticRegression.Binomial model =
                    smile.classification.LogisticRegression.binomial(sx, sy, LAMBDA, 1e-15, budget);
            double secs = (System.nanoTime() - s) / 1e9;
            return new Fit(model.coefficients(), secs, "", -1, Double.NaN);
        });
    }

    private static Reached spark(Dataset data, int maxBudget, double jStar, LogisticObjective judge) {
        int m = (int) data.rows();
        int n = data.cols();
        SparkSession spark = SparkSession.builder().master("local[2]").appName("logreg-time-to-optimum")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            spark.sparkContext().setLogLevel("WARN");
            StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", SQLDataTypes.VectorType());
            List<Row> rows = new ArrayList<>(m);
            float[] row = new float[n];
            for (int i = 0; i < m; i++) {
                data.copyRow(i, row);
                double[] v = new double[n];
                for (int j = 0; j < n; j++) v[j] = row[j];
                rows.add(RowFactory.create((double) data.label(i), Vectors.dense(v)));
            }
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            org.apache.spark.sql.Dataset<Row> df = spark.createDataFrame(jsc.parallelize(rows, 8), schema).persist(StorageLevel.MEMORY_AND_DISK());
            long count = df.count();
            rows = null;
            System.out.printf(Locale.ROOT, "spark: %d rows cached in 8 partitions%n", count);
            double regParam = LAMBDA / m;
            return budgets("spark", maxBudget, jStar, judge, budget -> {
                long s = System.nanoTime();
                LogisticRegressionModel model = new LogisticRegression().setMaxIter(budget).setRegParam(regParam).setElasticNetParam(0.0)
                        .setStandardization(false).setFitIntercept(true).setTol(1e-15).fit(df);
                double secs = (System.nanoTime() - s) / 1e9;
                double[] p = Arrays.copyOf(model.coefficients().toArray(), n + 1);
                p[n] = model.intercept();
                return new Fit(p, secs, "total iterations " + model.summary().totalIterations(), -1, Double.NaN);
            });
        } finally {
            spark.stop();
        }
    }

    private static double[] params(double[] theta, double b) {
        double[] p = Arrays.copyOf(theta, theta.length + 1);
        p[theta.length] = b;
        return p;
    }

    /** Fits with budgets in increasing order until one reaches the target; prints each. */
    private static Reached budgets(String who, int maxBudget, double jStar, LogisticObjective judge, Contender c) {
        double best = Double.POSITIVE_INFINITY;
        for (int budget : BUDGETS) {
            if (budget > maxBudget) break;
            Fit f;
            try {
                f = c.fit(budget);
            } catch (RuntimeException e) {
                System.out.printf(Locale.ROOT, "  %-18s budget %5d: failed: %s%n", who, budget, e);
                continue;
            }
            double j = judge.objectiveAtModel(f.params);
            double gap = (j - jStar) / Math.abs(jStar);
            best = Math.min(best, gap);
            System.out.printf(Locale.ROOT, "  %-18s budget %5d: %8.3f s, J = %.15g, relative gap %.3e %s%n", who, budget, f.seconds, j, gap, f.detail);
            if (gap <= TARGET) return new Reached(f, budget, gap);
        }
        return new Reached(null, -1, best);
    }

    /** One fresh fit with an iteration budget. */
    private interface Contender {
        Fit fit(int budget);
    }

    /** L-BFGS with exactly {@code budget} iterations at most and no other stopping rule. */
    private static TrainingOptions lbfgs(TrainingOptions base, int budget) {
        return base.withOptimizer("lbfgs")
                .withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(budget).withGradientTolerance(1e-15).withRelativeObjectiveTolerance(0));
    }

    /** Runs one logreg fit and times it (wall), with its iterations, evaluations and optimizer time. */
    private static Fit timedFit(java.util.function.Supplier<TrainingResult> fit) {
        long s = System.nanoTime();
        TrainingResult r = fit.get();
        double secs = (System.nanoTime() - s) / 1e9;
        return new Fit(params(r.model().coefficients(), r.model().intercept()), secs,
                String.format(Locale.ROOT, "%d iterations, %d evaluations, optimizer %.3f s, %s", r.optimization().iterations(),
                        r.optimization().evaluations(), r.optimization().elapsedNanos() / 1e9, r.status()),
                r.optimization().evaluations(), r.optimization().elapsedNanos() / 1e9);
    }

    private record Fit(double[] params, double seconds, String detail, long evaluations, double optimizerSeconds) {}

    private record Reached(Fit fit, int budget, double bestGap) {}
}
