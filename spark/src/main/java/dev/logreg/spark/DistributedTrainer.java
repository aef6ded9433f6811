package dev.logreg.spark;

import dev.logreg.loss.Loss;
import dev.logreg.objective.ColumnStatistics;
import dev.logreg.objective.Preconditioner;
import dev.logreg.optim.OptimizationResult;
import dev.logreg.optim.Optimizer;
import dev.logreg.optim.Optimizers;
import dev.logreg.optim.Status;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.optim.TrainingListener;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.TrainingOptions;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * The driver side of a distributed fit (used by {@link LogregClassifier}): checks the columns, binds every partition
 * on its executor once ({@link PartitionRegistry}), merges the partitions' column moments into the
 * {@link Preconditioner}, runs L-BFGS or OWL-QN from {@code api} over a {@link DistributedObjective}, checks (without
 * a penalty only) whether the final model separates the data, as the core's {@code Trainer} does, and releases the
 * bound partitions. Stateless.
 */
final class DistributedTrainer {
    private DistributedTrainer() {}

    /**
     * What to train.
     *
     * @param weightCol  the sample-weight column, or {@code null} / empty for unit weights
     * @param optimizer  {@code auto | lbfgs | owlqn | newton} ({@code auto}: L-BFGS for smooth penalties, OWL-QN
     *                   otherwise; newton, proximal Newton with an L1 part, needs every partition's backend to form the
     *                   Hessian: cpu or reference)
     * @param backend    the executors' backend choice; {@code null} defers to {@code -Dlogreg.backend},
     *                   {@code LOGREG_BACKEND}, then auto (GPU where usable, else CPU)
     * @param treeDepth  depth of {@code treeAggregate}, at least 1
     */
    record Settings(String featuresCol, String labelCol, String weightCol, Penalty penalty, boolean fitIntercept, String optimizer,
                    StoppingCriteria criteria, boolean precondition, String backend, int treeDepth, boolean standardization) {
        Settings {
            Objects.requireNonNull(featuresCol, "featuresCol");
            Objects.requireNonNull(labelCol, "labelCol");
            Objects.requireNonNull(penalty, "penalty");
            Objects.requireNonNull(criteria, "criteria");
            if (treeDepth < 1) throw new IllegalArgumentException("aggregation depth is " + treeDepth + ", expected at least 1");
        }

        boolean weighted() { return weightCol != null && !weightCol.isEmpty(); }
    }

    /** A trained model's parameters and how the run went. */
    record Result(double[] coefficients, double intercept, LogregTrainingSummary summary) {}

    /**
     * Checks that the columns exist and have the right types, before any job runs.
     *
     * @throws IllegalArgumentException naming the column, its type and what was expected
     */
    static void checkSchema(StructType schema, String featuresCol, String labelCol, String weightCol) {
        checkColumn(schema, featuresCol, "features", true);
        checkColumn(schema, labelCol, "label", false);
        if (weightCol != null && !weightCol.isEmpty()) checkColumn(schema, weightCol, "weight", false);
    }

    static void checkColumn(StructType schema, String name, String role, boolean vector) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException(role + " column '" + name + "' is missing; the columns are " + Arrays.toString(schema.fieldNames()));
        }
        DataType t = schema.apply(name).dataType();
        if (vector && !(t instanceof VectorUDT)) {
            throw new IllegalArgumentException(role + " column '" + name + "' has type " + t.simpleString()
                    + ", expected a vector (org.apache.spark.ml.linalg.Vector; assemble columns with VectorAssembler)");
        }
        if (!vector && !(t instanceof NumericType)) {
            throw new IllegalArgumentException(role + " column '" + name + "' has type " + t.simpleString() + ", expected a numeric type");
        }
    }

    /** Trains on {@code df}; every bound partition is released before this returns, also on failure. */
    static Result fit(Dataset<?> df, Settings s) {
        checkSchema(df.schema(), s.featuresCol(), s.labelCol(), s.weightCol());
        Optimizer optimizer = optimizer(s);
        boolean weighted = s.weighted();
        checkLabelsAndWeights(df, s);

        List<Column> cols = new ArrayList<>(List.of(col(s.featuresCol()), col(s.labelCol()).cast("double")));
        if (weighted) cols.add(col(s.weightCol()).cast("double"));
        JavaRDD<Row> rows = df.select(cols.toArray(new Column[0])).javaRDD();

        final String run = "logreg-" + UUID.randomUUID();
        final String choice = s.backend();
        final Loss.Kind loss = Loss.Kind.LOG;
        try {
            List<PartitionRegistry.PartitionSummary> parts = unwrap(() -> rows.mapPartitionsWithIndex(
                    (index, it) -> Collections.singletonList(PartitionRegistry.bind(run, index, it, weighted, choice, loss)).iterator(),
                    true).collect());
            Merged merged = merge(parts);
            ColumnStatistics stats = ColumnStatistics.of(merged.mean, merged.std, merged.rms);
            // Standardization as Spark MLlib's: the penalty of the standardized features' coefficients, on the
            // merged statistics, with the data left as they are.
            Penalty penalty = s.standardization() ? s.penalty().onScales(stats.standardizationScales(s.fitIntercept())) : s.penalty();
            Preconditioner pre = s.precondition()
                    ? Preconditioner.fromStatistics(stats, s.fitIntercept(),
                            penalty.l2Coefficients(merged.weightSum, merged.features))
                    : Preconditioner.identity(merged.features);
            if (optimizer.name().equals("newton") && !merged.hessianless.isEmpty()) {
                throw new IllegalArgumentException("optimizer newton needs the Hessian, which the executors' backend(s) " + merged.hessianless
                        + " do not compute; use " + (penalty.isSmooth() ? "lbfgs" : "owlqn") + ", or setBackend(\"cpu\")");
            }
            DistributedObjective objective = new DistributedObjective(rows, run, weighted, choice, Loss.log(), penalty, s.fitIntercept(),
                    pre, merged.features, merged.weightSum, merged.rows, s.treeDepth(), merged.hessianless.isEmpty());
            OptimizationResult r = unwrap(() -> optimizer.minimize(objective, new double[objective.dimension()], s.criteria(), TrainingListener.NONE));
            double[] params = objective.modelParameters(r.solution());
            int n = merged.features;
            double intercept = s.fitIntercept() ? params[n] : 0.0;
            Status status = r.status();
            String message = r.message();
            // As the single-machine Trainer: without a penalty, a model that separates the rows means no finite optimum
            // exists and the optimizer stopped on a tolerance. One more pass, only in that case (never with a penalty).
            if (status != Status.NUMERIC_ERROR && unboundedWithoutPenalty(penalty)) {
                double[] model = Arrays.copyOf(params, n + 1);
                model[n] = intercept;
                if (unwrap(() -> objective.separates(model))) {
                    status = Status.UNBOUNDED_COEFFICIENTS;
                    message = UNBOUNDED_MESSAGE;
                }
            }
            LogregTrainingSummary summary = new LogregTrainingSummary(r.objective(), status, message, r.iterations(),
                    objective.evaluations() + 1, optimizer.name(), merged.rows, merged.weightSum, List.copyOf(merged.backends));
            return new Result(Arrays.copyOf(params, n), intercept, summary);
        } finally {
            release(rows, run);
        }
    }

    /** The summary's message with {@link Status#UNBOUNDED_COEFFICIENTS}: the core's, with the estimator's setters. */
    static final String UNBOUNDED_MESSAGE = "every training row is classified correctly with a positive margin: the data are linearly separable"
            + " and without a penalty the coefficients grow without bound; add an L2 penalty (for example setPenalty(\"l2\").setLambda(1))"
            + " for a finite optimum. The last finite iterate is returned.";

    /** Nothing keeps the optimum finite on separable data: neither an L1 nor an L2 part (the core's rule; the loss is the log loss). */
    private static boolean unboundedWithoutPenalty(Penalty p) {
        return p.isZero();
    }

    /** Closes the run's bound partitions: a job over the same partitions (their executors), then this JVM's own. */
    private static void release(JavaRDD<Row> rows, String run) {
        try {
            rows.foreachPartition(it -> PartitionRegistry.release(run));
        } finally {
            PartitionRegistry.release(run);
        }
    }

    private static Optimizer optimizer(Settings s) {
        String name = s.optimizer() == null ? "auto" : s.optimizer().trim().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("auto", "lbfgs", "owlqn", "newton").contains(name)) {
            throw new IllegalArgumentException("optimizer '" + s.optimizer() + "' is not one of auto, lbfgs, owlqn, newton (the distributed engine runs"
                    + " full-batch methods only)");
        }
        Optimizer o = Optimizers.create(TrainingOptions.DEFAULT.withPenalty(s.penalty()).withOptimizer(name));
        o.checkSupports(s.penalty().kind());
        return o;
    }

    /**
     * One aggregate job: rows whose label is not 0 or 1 (or is null or NaN), rows of each class, and rows whose weight
     * is null, NaN or negative. A second, small job fetches an offending value for the message only on failure.
     */
    private static void checkLabelsAndWeights(Dataset<?> df, Settings s) {
        Column y = col(s.labelCol()).cast("double");
        Column badLabel = y.isNull().or(isnan(y)).or(not(y.isin(0.0, 1.0)));
        Column badWeight = s.weighted()
                ? col(s.weightCol()).cast("double").isNull().or(isnan(col(s.weightCol()).cast("double"))).or(col(s.weightCol()).cast("double").lt(0.0))
                : org.apache.spark.sql.functions.lit(false);
        Row r = df.agg(sum(when(badLabel, 1L).otherwise(0L)), sum(when(y.equalTo(1.0), 1L).otherwise(0L)),
                sum(when(y.equalTo(0.0), 1L).otherwise(0L)), sum(when(badWeight, 1L).otherwise(0L))).first();
        long bad = r.isNullAt(0) ? 0 : r.getLong(0);
        long positives = r.isNullAt(1) ? 0 : r.getLong(1);
        long negatives = r.isNullAt(2) ? 0 : r.getLong(2);
        long badWeights = r.isNullAt(3) ? 0 : r.getLong(3);
        if (bad > 0) {
            Object example = df.filter(badLabel).select(col(s.labelCol())).first().get(0);
            throw new IllegalArgumentException("label column '" + s.labelCol() + "' has " + bad + " rows with a label other than 0 or 1 (for example "
                    + example + "); binary logistic regression expects labels in {0, 1}");
        }
        if (badWeights > 0) {
            Object example = df.filter(badWeight).select(col(s.weightCol())).first().get(0);
            throw new IllegalArgumentException("weight column '" + s.weightCol() + "' has " + badWeights + " rows with a weight that is null, NaN or negative (for example "
                    + example + "); expected finite weights >= 0");
        }
        if (positives + negatives == 0) throw new IllegalArgumentException("the dataset has no rows");
        if (s.fitIntercept() && (positives == 0 || negatives == 0)) {
            throw new IllegalArgumentException("every row has label " + (negatives == 0 ? 1 : 0)
                    + ": with a free intercept no optimum exists (the intercept would grow without bound); give rows of both classes");
        }
    }

    /** The partitions' shapes and moments merged (Chan et al.'s pairwise update, in partition order). */
    private static final class Merged {
        int features = -1;
        long rows;
        double weightSum;
        double[] mean;
        double[] std;
        double[] rms;
        final Set<String> backends = new LinkedHashSet<>();
        /** The backends of partitions that compute no Hessian. */
        final Set<String> hessianless = new LinkedHashSet<>();
    }

    private static Merged merge(List<PartitionRegistry.PartitionSummary> parts) {
        Merged g = new Merged();
        double[] mean = null;
        double[] m2 = null;
        double[] sq = null;
        int firstPartition = -1;
        for (PartitionRegistry.PartitionSummary p : parts) {
            if (p.rows == 0) continue;
            g.backends.add(p.backend);
            if (!p.hessian) g.hessianless.add(p.backend);
            if (g.features < 0) {
                g.features = p.features;
                firstPartition = p.partition;
                mean = new double[p.features];
                m2 = new double[p.features];
                sq = new double[p.features];
            } else if (p.features != g.features) {
                throw new IllegalArgumentException("features vectors have " + g.features + " entries in partition " + firstPartition
                        + " but " + p.features + " in partition " + p.partition + "; expected one width");
            }
            g.rows += p.rows;
            if (p.weightSum == 0) continue;
            double before = g.weightSum;
            double after = before + p.weightSum;
            for (int j = 0; j < g.features; j++) {
                double delta = p.mean[j] - mean[j];
                mean[j] += delta * p.weightSum / after;
                m2[j] += p.m2[j] + delta * delta * before * p.weightSum / after;
                sq[j] += p.sq[j];
            }
            g.weightSum = after;
        }
        if (g.features < 0) throw new IllegalArgumentException("the dataset has no rows");
        if (!(g.weightSum > 0)) throw new IllegalArgumentException("every row has weight 0; expected a positive weight sum");
        g.mean = mean;
        g.std = new double[g.features];
        g.rms = new double[g.features];
        for (int j = 0; j < g.features; j++) {
            g.std[j] = Math.sqrt(Math.max(m2[j] / g.weightSum, 0.0));
            g.rms[j] = Math.sqrt(sq[j] / g.weightSum);
        }
        return g;
    }

    /**
     * Runs {@code job}; where a task failed with an {@link IllegalArgumentException} (bad data found while converting
     * a partition), rethrows it as one, so that callers see the same error type as the schema checks give.
     */
    private static <T> T unwrap(java.util.function.Supplier<T> job) {
        try {
            return job.get();
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) { // SparkException is checked, yet Scala code throws it undeclared
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof IllegalArgumentException) throw new IllegalArgumentException(c.getMessage(), e);
            }
            throw DistributedTrainer.<RuntimeException>sneaky(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E sneaky(Exception e) throws E {
        throw (E) e;
    }
}
