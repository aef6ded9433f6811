package dev.logreg.spark;

import dev.logreg.backend.ParamShape;
import dev.logreg.loss.Loss;
import dev.logreg.objective.ColumnStatistics;
import dev.logreg.objective.LogisticObjective;
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
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
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
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * The driver side of a distributed fit (used by {@link LogregClassifier}): checks the columns, finds the number of
 * classes K (the label column's metadata, else the largest label + 1), binds every partition on its executor once
 * ({@link PartitionRegistry}), merges the partitions' column moments into the {@link Preconditioner}, runs L-BFGS,
 * OWL-QN or Newton from {@code api} over the api's {@link LogisticObjective} of a {@link DistributedDataTerm} (so that
 * penalty, change of variables and chain rule are the single-machine engine's, per class slice), checks (without a
 * penalty only) whether the final model separates the data, as the core's {@code Trainer} does, and releases the bound
 * partitions. One-vs-rest (family {@code ovr}, K &gt; 2) runs K such optimizations in turn, class c against the rest,
 * over the same bound partitions. Stateless.
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
     * @param family     {@code auto} (binomial for 2 classes, multinomial for more), {@code binomial} (2 classes only),
     *                   {@code multinomial} (softmax over K outputs, also for 2 classes) or {@code ovr} (K binary fits,
     *                   class c against the rest; the binary fit for 2 classes, as scikit-learn and the api)
     */
    record Settings(String featuresCol, String labelCol, String weightCol, Penalty penalty, boolean fitIntercept, String optimizer,
                    StoppingCriteria criteria, boolean precondition, String backend, int treeDepth, boolean standardization, String family) {
        Settings {
            Objects.requireNonNull(featuresCol, "featuresCol");
            Objects.requireNonNull(family, "family");
            Objects.requireNonNull(labelCol, "labelCol");
            Objects.requireNonNull(penalty, "penalty");
            Objects.requireNonNull(criteria, "criteria");
            if (treeDepth < 1) throw new IllegalArgumentException("aggregation depth is " + treeDepth + ", expected at least 1");
        }

        boolean weighted() { return weightCol != null && !weightCol.isEmpty(); }
    }

    /**
     * A trained model's parameters and how the run went.
     *
     * @param coefficients one row of n per output: 1 row (θ) for the binary model, K rows (θ_c) for the multinomial and one-vs-rest ones
     * @param intercepts   one per output (0 without intercept)
     * @param classes      K (2 for the binary model)
     * @param mode         binary (one row), multinomial or one-vs-rest (K rows each)
     */
    record Result(double[][] coefficients, double[] intercepts, int classes, Mode mode, LogregTrainingSummary summary) {}

    /** The model a fit trains: one logit, the softmax over K, or K binary models (class c against the rest). */
    enum Mode { BINARY, MULTINOMIAL, ONE_VS_REST }

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
        int stated = statedClasses(df.schema(), s.labelCol());
        int classes = checkLabelsAndWeights(df, s, stated);
        Mode mode = mode(s.family(), classes, stated);
        boolean multinomial = mode == Mode.MULTINOMIAL;

        List<Column> cols = new ArrayList<>(List.of(col(s.featuresCol()), col(s.labelCol()).cast("double")));
        if (weighted) cols.add(col(s.weightCol()).cast("double"));
        JavaRDD<Row> rows = df.select(cols.toArray(new Column[0])).javaRDD();

        final String run = "logreg-" + UUID.randomUUID();
        Loss loss = multinomial ? Loss.multinomial() : Loss.log();
        final PartitionRegistry.Spec spec = new PartitionRegistry.Spec(run, weighted, s.backend(), loss.kind(), classes,
                mode == Mode.ONE_VS_REST, -1);
        try {
            List<PartitionRegistry.PartitionSummary> parts = unwrap(() -> rows.mapPartitionsWithIndex(
                    (index, it) -> Collections.singletonList(PartitionRegistry.bind(spec, index, it)).iterator(),
                    true).collect());
            Merged merged = merge(parts, classes);
            if (mode != Mode.BINARY) checkEveryClassHasRows(merged.classCounts, s.labelCol(), mode);
            ColumnStatistics stats = merged.statistics;
            // Standardization as Spark MLlib's: the penalty of the standardized features' coefficients, on the
            // merged statistics, with the data left as they are. One-vs-rest: every binary problem has the same
            // features and weights, so the same scales and preconditioner (as the single-machine per-class fits).
            Penalty penalty = s.standardization() ? s.penalty().onScales(stats.standardizationScales(s.fitIntercept())) : s.penalty();
            Preconditioner pre = s.precondition()
                    ? Preconditioner.fromStatistics(stats, s.fitIntercept(),
                            penalty.l2Coefficients(merged.weightSum, merged.features))
                    : Preconditioner.identity(merged.features);
            ParamShape shape = new ParamShape(multinomial ? classes : 1, merged.features);
            if (optimizer.name().equals("newton") && !merged.hessianless.isEmpty()) {
                throw new IllegalArgumentException("optimizer newton needs the Hessian, which the executors' backend(s) " + merged.hessianless
                        + " do not compute" + (multinomial ? " for " + shape.describe() + " parameters (at most " + ParamShape.MAX_HESSIAN_LENGTH + ")" : "")
                        + "; use " + (penalty.isSmooth() ? "lbfgs" : "owlqn") + (multinomial ? "" : ", or setBackend(\"cpu\")"));
            }
            int n = merged.features;
            if (mode == Mode.ONE_VS_REST) {
                // K binary fits in turn, each over the same bound partitions (the spec's class picks the class's
                // term of the partition's one bind), as the single-machine OneVsRest.fit on one bindOneVsRest.
                double[][] coefficients = new double[classes][];
                double[] intercepts = new double[classes];
                Solved reported = null;
                double objective = 0;
                int iterations = 0;
                long evaluations = 1; // the binding pass, once for every class
                for (int c = 0; c < classes; c++) {
                    Solved r = solve(rows, spec.forClass(c), shape, merged, loss, penalty, pre, optimizer, s);
                    coefficients[c] = Arrays.copyOfRange(r.params, 0, n);
                    intercepts[c] = s.fitIntercept() ? r.params[shape.interceptIndex(0)] : 0.0;
                    objective += r.result.objective();
                    iterations += r.result.iterations();
                    evaluations += r.evaluations;
                    if (reported == null || (!r.status.isConverged() && reported.status.isConverged())) reported = r;
                }
                String message = "one-vs-rest, " + classes + " binary fits" + (reported.message == null ? "" : "; " + reported.message);
                LogregTrainingSummary summary = new LogregTrainingSummary(objective, reported.status, message, iterations, evaluations,
                        optimizer.name(), merged.rows, merged.weightSum, List.copyOf(merged.backends));
                return new Result(coefficients, intercepts, classes, mode, summary);
            }
            Solved r = solve(rows, spec, shape, merged, loss, penalty, pre, optimizer, s);
            double[] params = r.params;
            double[][] coefficients = new double[shape.outputs()][];
            double[] intercepts = new double[shape.outputs()];
            for (int c = 0; c < shape.outputs(); c++) {
                coefficients[c] = Arrays.copyOfRange(params, shape.index(c, 0), shape.index(c, 0) + n);
                intercepts[c] = s.fitIntercept() ? params[shape.interceptIndex(c)] : 0.0;
            }
            LogregTrainingSummary summary = new LogregTrainingSummary(r.result.objective(), r.status, r.message, r.result.iterations(),
                    r.evaluations + 1, optimizer.name(), merged.rows, merged.weightSum, List.copyOf(merged.backends));
            return new Result(coefficients, intercepts, classes, mode, summary);
        } finally {
            release(rows, run);
        }
    }

    /** One optimization's outcome: the model parameters (layout of its shape), status, message and its Spark passes (the binding pass not counted). */
    private record Solved(OptimizationResult result, double[] params, Status status, String message, long evaluations) {}

    /**
     * Minimizes the api's {@link LogisticObjective} of the distributed data term that {@code spec} names (the whole
     * binary or multinomial term, or one class's binary term of a one-vs-rest bind), then, without a penalty, checks
     * separability as the single-machine Trainer does.
     */
    private static Solved solve(JavaRDD<Row> rows, PartitionRegistry.Spec spec, ParamShape shape, Merged merged, Loss loss, Penalty penalty,
                                Preconditioner pre, Optimizer optimizer, Settings s) {
        boolean multinomial = shape.outputs() > 1;
        DistributedDataTerm term = new DistributedDataTerm(rows, spec, shape, merged.weightSum, merged.rows, s.treeDepth(),
                merged.hessianless.isEmpty());
        LogisticObjective objective = new LogisticObjective(term, loss, penalty, s.fitIntercept(), pre);
        OptimizationResult r = unwrap(() -> optimizer.minimize(objective, new double[objective.dimension()], s.criteria(), TrainingListener.NONE));
        double[] params = objective.modelParameters(r.solution());
        // The representative the single-machine Trainer returns: flat coordinates (free intercepts, unpenalized
        // features) centred over the classes; softmax, penalty and J are unchanged by it.
        if (multinomial) shape.centerAcrossClasses(params, objective.flatCoordinates());
        Status status = r.status();
        String message = r.message();
        // As the single-machine Trainer: without a penalty, a model that separates the rows means no finite optimum
        // exists and the optimizer stopped on a tolerance. One more pass, only in that case (never with a penalty).
        if (status != Status.NUMERIC_ERROR && penalty.isZero() && unwrap(() -> term.separates(params))) {
            status = Status.UNBOUNDED_COEFFICIENTS;
            message = UNBOUNDED_MESSAGE;
        }
        return new Solved(r, params, status, message, term.evaluations());
    }

    /** The summary's message with {@link Status#UNBOUNDED_COEFFICIENTS}: the core's, with the estimator's setters. */
    static final String UNBOUNDED_MESSAGE = "every training row is classified correctly with a positive margin: the data are linearly separable"
            + " and without a penalty the coefficients grow without bound; add an L2 penalty (for example setPenalty(\"l2\").setLambda(1))"
            + " for a finite optimum. The last finite iterate is returned.";

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
     * K as the label column's metadata states it (Spark ML's {@code NominalAttribute} with its number of values, as
     * {@code StringIndexer} writes it, or a {@code BinaryAttribute}: 2), or 0 where the metadata state none.
     */
    static int statedClasses(StructType schema, String labelCol) {
        Attribute a = Attribute.fromStructField(schema.apply(labelCol));
        if (a instanceof BinaryAttribute) return 2;
        if (a instanceof NominalAttribute) {
            NominalAttribute nominal = (NominalAttribute) a;
            if (nominal.getNumValues().isDefined()) {
                int k = (Integer) nominal.getNumValues().get();
                if (k < 1 || k > dev.logreg.data.Dataset.MAX_CLASSES) {
                    throw new IllegalArgumentException("label column '" + labelCol + "' states " + k + " classes in its metadata, expected 2 to "
                            + dev.logreg.data.Dataset.MAX_CLASSES);
                }
                return Math.max(k, 2);
            }
        }
        return 0;
    }

    /** The model {@code family} asks for over {@code classes} classes ({@code stated}: from the metadata, or 0). */
    static Mode mode(String family, int classes, int stated) {
        switch (family.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "auto": return classes > 2 ? Mode.MULTINOMIAL : Mode.BINARY;
            case "multinomial": return Mode.MULTINOMIAL;
            // Two classes against the rest are one binary problem seen twice: as scikit-learn and the single-machine
            // engine (Multiclass.ONE_VS_REST), two classes train the binary model.
            case "ovr": return classes > 2 ? Mode.ONE_VS_REST : Mode.BINARY;
            case "binomial":
                if (classes > 2) {
                    throw new IllegalArgumentException("family binomial trains two classes, but the labels have " + classes
                            + (stated > 0 ? " (stated by the label column's metadata)" : " (the largest label is " + (classes - 1) + ")")
                            + "; use family multinomial, ovr (or auto)");
                }
                return Mode.BINARY;
            default:
                throw new IllegalArgumentException("family '" + family + "' is not one of auto, binomial, multinomial, ovr");
        }
    }

    /**
     * One aggregate job: rows whose label is not a class index (null, NaN, negative, not an integer, or at least
     * {@code stated} where the metadata state K), the largest label, the rows of label 0 and 1, and rows whose weight
     * is null, NaN or negative. A second, small job fetches an offending value for the message only on failure.
     * Returns K: {@code stated}, else the largest label + 1 (at least 2).
     */
    private static int checkLabelsAndWeights(Dataset<?> df, Settings s, int stated) {
        Column y = col(s.labelCol()).cast("double");
        Column badLabel = y.isNull().or(isnan(y)).or(y.lt(0.0)).or(not(y.equalTo(floor(y))))
                .or(y.geq((double) (stated > 0 ? stated : dev.logreg.data.Dataset.MAX_CLASSES)));
        Column badWeight = s.weighted()
                ? col(s.weightCol()).cast("double").isNull().or(isnan(col(s.weightCol()).cast("double"))).or(col(s.weightCol()).cast("double").lt(0.0))
                : org.apache.spark.sql.functions.lit(false);
        Row r = df.agg(sum(when(badLabel, 1L).otherwise(0L)), sum(when(y.equalTo(1.0), 1L).otherwise(0L)),
                sum(when(y.equalTo(0.0), 1L).otherwise(0L)), sum(when(badWeight, 1L).otherwise(0L)), max(when(not(badLabel), y))).first();
        long bad = r.isNullAt(0) ? 0 : r.getLong(0);
        long ones = r.isNullAt(1) ? 0 : r.getLong(1);
        long zeros = r.isNullAt(2) ? 0 : r.getLong(2);
        long badWeights = r.isNullAt(3) ? 0 : r.getLong(3);
        if (bad > 0) {
            Object example = df.filter(badLabel).select(col(s.labelCol())).first().get(0);
            throw new IllegalArgumentException("label column '" + s.labelCol() + "' has " + bad + " rows whose label is not a class index (for example "
                    + example + "); expected integers 0 to " + (stated > 0 ? (stated - 1) + " (the column's metadata states " + stated + " classes)"
                    : "K-1 for K classes (index string labels with StringIndexer)"));
        }
        if (badWeights > 0) {
            Object example = df.filter(badWeight).select(col(s.weightCol())).first().get(0);
            throw new IllegalArgumentException("weight column '" + s.weightCol() + "' has " + badWeights + " rows with a weight that is null, NaN or negative (for example "
                    + example + "); expected finite weights >= 0");
        }
        if (r.isNullAt(4)) throw new IllegalArgumentException("the dataset has no rows");
        int classes = stated > 0 ? stated : Math.max(2, (int) r.getDouble(4) + 1);
        if (classes == 2 && !"multinomial".equalsIgnoreCase(s.family().trim()) && s.fitIntercept() && (ones == 0 || zeros == 0)) {
            throw new IllegalArgumentException("every row has label " + (zeros == 0 ? 1 : 0)
                    + ": with a free intercept no optimum exists (the intercept would grow without bound); give rows of both classes");
        }
        return classes;
    }

    /** Multinomial and one-vs-rest models learn every class from its rows: a class without rows is refused by name (as the core's Trainer). */
    private static void checkEveryClassHasRows(long[] counts, String labelCol, Mode mode) {
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) {
                throw new IllegalArgumentException("class " + c + " of " + counts.length + " has no rows in label column '" + labelCol
                        + (mode == Mode.ONE_VS_REST ? "': its one-vs-rest model cannot be learned (with a free intercept its logit would fall without bound)"
                        : "': the multinomial model cannot learn it (with a free intercept its logit would fall without bound)")
                        + "; labels must be every integer 0 to K-1, as StringIndexer gives them");
            }
        }
    }

    /** The partitions' shapes and moments merged ({@link ColumnMoments#merge}, in partition order). */
    private static final class Merged {
        int features = -1;
        long rows;
        double weightSum;
        ColumnStatistics statistics;
        final Set<String> backends = new LinkedHashSet<>();
        /** The backends of partitions that compute no Hessian. */
        final Set<String> hessianless = new LinkedHashSet<>();
        /** Rows per class, length K. */
        long[] classCounts;
    }

    private static Merged merge(List<PartitionRegistry.PartitionSummary> parts, int classes) {
        Merged g = new Merged();
        g.classCounts = new long[classes];
        List<ColumnMoments> moments = new ArrayList<>();
        double[] weightSums = new double[parts.size()];
        int firstPartition = -1;
        for (PartitionRegistry.PartitionSummary p : parts) {
            if (p.rows == 0) continue;
            g.backends.add(p.backend);
            if (!p.hessian) g.hessianless.add(p.backend);
            if (g.features < 0) {
                g.features = p.features;
                firstPartition = p.partition;
            } else if (p.features != g.features) {
                throw new IllegalArgumentException("features vectors have " + g.features + " entries in partition " + firstPartition
                        + " but " + p.features + " in partition " + p.partition + "; expected one width");
            }
            g.rows += p.rows;
            for (int c = 0; c < classes; c++) g.classCounts[c] += p.classCounts[c];
            weightSums[moments.size()] = p.weightSum;
            moments.add(p.moments);
            g.weightSum += p.weightSum;
        }
        if (g.features < 0) throw new IllegalArgumentException("the dataset has no rows");
        if (!(g.weightSum > 0)) throw new IllegalArgumentException("every row has weight 0; expected a positive weight sum");
        g.statistics = ColumnMoments.merge(g.features, moments, weightSums);
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
