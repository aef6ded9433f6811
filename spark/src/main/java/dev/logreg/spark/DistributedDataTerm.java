package dev.logreg.spark;

import dev.logreg.backend.DataTerm;
import dev.logreg.backend.ParamShape;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;

import java.util.Collections;
import java.util.Iterator;
import java.util.Objects;

/**
 * The data term D of a distributed dataset, as a {@link DataTerm}: the weighted mean of the loss over every
 * partition's rows, each partition bound on its executor ({@link PartitionRegistry}), whose sums of weighted loss and
 * gradient (1 + K·(n+1) numbers per partition) are combined with {@code treeAggregate} in {@link CompensatedSum}s.
 * The api's {@link dev.logreg.objective.LogisticObjective} composes it with the penalty and the preconditioner on the
 * driver, so that the distributed fit and the single-machine fit share one objective: the penalty per class slice, the
 * change of variables, the chain rule, the L1 coefficients and the Hessian's symmetric completion for K classes. One
 * Spark job per evaluation; only the parameters (in the task closure) go out.
 *
 * <p>Only whole-dataset evaluations: a row range other than [0, {@link #rows()}) is refused (the distributed engine
 * runs L-BFGS, OWL-QN and Newton, never mini-batches), and so are {@link #margins} (the logits stay on the executors;
 * {@link #separates} is the one question asked of them). {@link #close()} does nothing: the bound partitions belong to
 * the fit, which releases them ({@link DistributedTrainer}).
 *
 * <p>Not thread-safe (one optimizer drives it); deterministic up to the order-independence of {@link CompensatedSum}.
 */
final class DistributedDataTerm implements DataTerm {
    private final JavaRDD<Row> rows;
    private final PartitionRegistry.Spec spec;
    private final ParamShape shape;
    private final double m;
    private final long totalRows;
    private final int treeDepth;
    private final boolean hessian;
    private long evaluations;

    /**
     * @param rows      the (features, label[, weight]) rows, partitioned as they were bound
     * @param spec      the run: its id, weights, backend choice, loss and classes
     * @param shape     the parameter layout: one output for the log loss, K for the multinomial loss
     * @param weightSum Σwᵢ over all rows (the partitions' own weight sums, merged), positive
     * @param hessian   whether every partition's term computes its Hessian
     */
    DistributedDataTerm(JavaRDD<Row> rows, PartitionRegistry.Spec spec, ParamShape shape, double weightSum, long totalRows, int treeDepth,
                        boolean hessian) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.shape = Objects.requireNonNull(shape, "shape");
        if (!(weightSum > 0)) throw new IllegalArgumentException("weight sum is " + weightSum + ", expected > 0");
        this.m = weightSum;
        this.totalRows = totalRows;
        this.treeDepth = treeDepth;
        this.hessian = hessian;
    }

    /** Spark jobs run so far (passes over the data). */
    long evaluations() { return evaluations; }

    @Override public long rows() { return totalRows; }

    @Override public int features() { return shape.features(); }

    @Override public ParamShape shape() { return shape; }

    @Override
    public double weightSum(long fromRow, long toRow) {
        checkWhole(fromRow, toRow);
        return m;
    }

    @Override
    public double valueAndGradient(long fromRow, long toRow, double[] params, double[] gradientOut) {
        checkWhole(fromRow, toRow);
        shape.check(params, "params");
        shape.check(gradientOut, "gradientOut");
        double[] d = sums(params, true);
        System.arraycopy(d, 1, gradientOut, 0, gradientOut.length);
        return d[0];
    }

    @Override
    public double value(long fromRow, long toRow, double[] params) {
        checkWhole(fromRow, toRow);
        shape.check(params, "params");
        return sums(params, false)[0];
    }

    /** Refused: the logits of a distributed dataset stay on its executors. */
    @Override
    public void margins(long fromRow, long toRow, double[] params, double[] out) {
        throw new UnsupportedOperationException("the logits of a distributed dataset stay on its executors; score with the trained model's transform");
    }

    @Override public boolean supportsHessian() { return hessian; }

    /**
     * The Hessian of D: the partitions' terms' Hessians times their weight sums (d² numbers each, d =
     * {@code shape().length()}, compensated sums through {@code treeAggregate}) over Σwᵢ. One Spark job; its results
     * grow with d², so Newton suits Spark up to a few hundred parameters, as on one machine.
     */
    @Override
    public void hessian(double[] params, double[] out) {
        if (!hessian) throw new UnsupportedOperationException("the executors' backends compute no Hessian here; use lbfgs or owlqn");
        shape.check(params, "params");
        int d = shape.length();
        if (out.length != d * d) throw new IllegalArgumentException("out has length " + out.length + ", expected " + d * d);
        evaluations++;
        final double[] p = params.clone();
        final int k = d * d;
        JavaRDD<double[]> partials = onEveryPartition((s, index, it) -> PartitionRegistry.hessian(s, index, it, p));
        double[] h = CompensatedSum.result(partials.treeAggregate(CompensatedSum.zero(k), CompensatedSum::add, CompensatedSum::merge, treeDepth));
        for (int i = 0; i < k; i++) out[i] = h[i] / m;
    }

    /** Nothing to free here: the fit releases its bound partitions. */
    @Override public void close() {}

    /**
     * The call site (Spark's stage name) of the job of {@link #separates}: names it in the Spark UI, and lets tests
     * count its jobs.
     */
    static final String SEPARABILITY_CALL_SITE = "logreg: separability check";

    /**
     * Whether the model {@code modelParams} (layout of {@link #shape()}; intercepts 0 for a model without intercept)
     * puts every row of non-zero weight strictly on its label's side ({@link PartitionRegistry#separates}): one
     * distributed pass over the bound partitions, the partitions' answers combined with AND. Counted in
     * {@link #evaluations()}.
     */
    boolean separates(double[] modelParams) {
        shape.check(modelParams, "model parameters");
        evaluations++;
        final double[] p = modelParams.clone();
        SparkContext sc = rows.context();
        // Spark names the job's stage after this thread-local call site (the long form, a stack trace, stays
        // Spark's own); the caller's value is restored after the job.
        String before = sc.getLocalProperty(CALL_SITE_SHORT);
        sc.setCallSite(SEPARABILITY_CALL_SITE);
        try {
            // aggregate, not treeAggregate: one stage, one boolean per partition.
            return onEveryPartition((s, index, it) -> PartitionRegistry.separates(s, index, it, p))
                    .aggregate(Boolean.TRUE, (a, b) -> a && b, (a, b) -> a && b);
        } finally {
            sc.setLocalProperty(CALL_SITE_SHORT, before);
        }
    }

    /** What one task computes on its partition, given the run and the partition (bound where it is not yet). */
    @FunctionalInterface
    interface PartitionTask<T> extends java.io.Serializable {
        T apply(PartitionRegistry.Spec spec, int partition, Iterator<Row> rows);
    }

    /** One result per partition of {@code task}, run on the partition's executor; the closure carries the spec, never this object. */
    private <T> JavaRDD<T> onEveryPartition(PartitionTask<T> task) {
        final PartitionRegistry.Spec s = spec;
        return rows.mapPartitionsWithIndex((index, it) -> Collections.singletonList(task.apply(s, index, it)).iterator(), true);
    }

    /** The local property behind {@link SparkContext#setCallSite(String)} ({@code CallSite.SHORT_FORM}, Spark-internal). */
    private static final String CALL_SITE_SHORT = "callSite.short";

    private void checkWhole(long fromRow, long toRow) {
        if (fromRow != 0 || toRow != totalRows) {
            throw new IllegalArgumentException("rows [" + fromRow + ", " + toRow + ") requested; a distributed data term evaluates all its "
                    + totalRows + " rows only (no mini-batches: use lbfgs, owlqn or newton)");
        }
    }

    /** D (and its gradient) at {@code p}: the weighted means of the partitions' sums, {@code [value, gradient...]}. */
    private double[] sums(double[] p, boolean gradient) {
        evaluations++;
        final double[] params = p.clone();
        final int k = gradient ? params.length + 1 : 1;
        JavaRDD<double[]> partials = onEveryPartition((s, index, it) -> PartitionRegistry.evaluate(s, index, it, params, gradient));
        double[] acc = partials.treeAggregate(CompensatedSum.zero(k), CompensatedSum::add, CompensatedSum::merge, treeDepth);
        double[] sums = CompensatedSum.result(acc);
        for (int i = 0; i < k; i++) sums[i] /= m;
        return sums;
    }
}
