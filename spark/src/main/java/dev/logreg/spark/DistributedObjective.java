package dev.logreg.spark;

import dev.logreg.loss.Loss;
import dev.logreg.objective.Preconditioner;
import dev.logreg.optim.Objective;
import dev.logreg.penalty.Penalty;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;

import java.util.Collections;
import java.util.Iterator;
import java.util.Objects;

/**
 * The training objective J = D(θ, b) + P(θ) over a distributed dataset, as {@link dev.logreg.objective.LogisticObjective}
 * states it for one machine: D is the weighted mean of the loss over every partition's rows, each partition bound on
 * its executor ({@link PartitionRegistry}), whose sums of weighted loss and gradient (n+2 numbers per partition) are
 * combined with {@code treeAggregate}; the penalty and the {@link Preconditioner}'s change of variables are applied
 * here, on the driver. One Spark job per evaluation; only θ (n+1 numbers, in the task closure) goes out.
 *
 * <p>Not thread-safe (one optimizer drives it); deterministic up to the order-independence of
 * {@link CompensatedSum}. Mini-batch evaluation is not offered (the distributed engine runs L-BFGS, OWL-QN and Newton).
 */
final class DistributedObjective implements Objective {
    private final JavaRDD<Row> rows;
    private final String runId;
    private final boolean weighted;
    private final String choice;
    private final Loss loss;
    private final Penalty penalty;
    private final boolean fitIntercept;
    private final Preconditioner preconditioner;
    private final int n;
    private final double m;
    private final long totalRows;
    private final int treeDepth;
    private final boolean hessian;
    private final double[] params;
    private final double[] gModel;
    private final double[] scale;
    private long evaluations;

    DistributedObjective(JavaRDD<Row> rows, String runId, boolean weighted, String choice, Loss loss, Penalty penalty,
                         boolean fitIntercept, Preconditioner preconditioner, int features, double weightSum, long totalRows, int treeDepth,
                         boolean hessian) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.runId = Objects.requireNonNull(runId, "runId");
        this.weighted = weighted;
        this.choice = choice;
        this.loss = Objects.requireNonNull(loss, "loss");
        this.penalty = Objects.requireNonNull(penalty, "penalty");
        this.fitIntercept = fitIntercept;
        this.n = features;
        this.preconditioner = preconditioner == null ? Preconditioner.identity(features) : preconditioner;
        if (!(weightSum > 0)) throw new IllegalArgumentException("weight sum is " + weightSum + ", expected > 0");
        this.m = weightSum;
        this.totalRows = totalRows;
        this.treeDepth = treeDepth;
        this.hessian = hessian;
        this.params = new double[n + 1];
        this.gModel = new double[n + 1];
        this.scale = this.preconditioner.scale();
    }

    /** Spark jobs run so far (passes over the data). */
    long evaluations() { return evaluations; }

    /** Σwᵢ over all rows. */
    double weightSum() { return m; }

    /** The model's (θ, b), length n+1, for optimizer variables u. */
    double[] modelParameters(double[] u) {
        checkDimension(u);
        double[] p = new double[n + 1];
        preconditioner.toModel(u, fitIntercept, p);
        return p;
    }

    /** The whole objective J at model parameters (θ, b), length n+1: one distributed pass. */
    double objectiveAtModel(double[] modelParams) {
        return dataTerm(modelParams.clone(), false)[0] + penalty.value(modelParams, n, m);
    }

    /**
     * The call site (Spark's stage name) of the job of {@link #separates}: names it in the Spark UI, and lets tests
     * count its jobs.
     */
    static final String SEPARABILITY_CALL_SITE = "logreg: separability check";

    /**
     * Whether the model (θ, b) {@code modelParams} (length n+1; pass b = 0 for a model without intercept) puts every
     * row of non-zero weight strictly on its label's side ({@link PartitionRegistry#separates}): one distributed
     * pass over the bound partitions, the partitions' answers combined with AND. Counted in {@link #evaluations()}.
     */
    boolean separates(double[] modelParams) {
        if (modelParams.length != n + 1) {
            throw new IllegalArgumentException("model parameter vector has length " + modelParams.length + ", expected " + (n + 1));
        }
        evaluations++;
        final double[] p = modelParams.clone();
        SparkContext sc = rows.context();
        // Spark names the job's stage after this thread-local call site (the long form, a stack trace, stays
        // Spark's own); the caller's value is restored after the job.
        String before = sc.getLocalProperty(CALL_SITE_SHORT);
        sc.setCallSite(SEPARABILITY_CALL_SITE);
        try {
            // aggregate, not treeAggregate: one stage, one boolean per partition.
            return onEveryPartition((run, index, it, w, c, l) -> PartitionRegistry.separates(run, index, it, w, c, l, p))
                    .aggregate(Boolean.TRUE, (a, b) -> a && b, (a, b) -> a && b);
        } finally {
            sc.setLocalProperty(CALL_SITE_SHORT, before);
        }
    }

    /** What one task computes on its partition, given the run, the partition and how to bind it where not bound yet. */
    @FunctionalInterface
    interface PartitionTask<T> extends java.io.Serializable {
        T apply(String runId, int partition, Iterator<Row> rows, boolean weighted, String choice, Loss.Kind loss);
    }

    /**
     * One result per partition of {@code task}, run on the partition's executor. The closure carries the run's
     * identity as plain values (the loss as its kind: enums serialize, a Loss need not), never this object.
     */
    private <T> JavaRDD<T> onEveryPartition(PartitionTask<T> task) {
        final String run = runId;
        final boolean w = weighted;
        final String c = choice;
        final Loss.Kind l = loss.kind();
        return rows.mapPartitionsWithIndex((index, it) -> Collections.singletonList(task.apply(run, index, it, w, c, l)).iterator(), true);
    }

    /** The local property behind {@link SparkContext#setCallSite(String)} ({@code CallSite.SHORT_FORM}, Spark-internal). */
    private static final String CALL_SITE_SHORT = "callSite.short";

    private void checkDimension(double[] u) {
        if (u.length != dimension()) {
            throw new IllegalArgumentException("parameter vector has length " + u.length + ", expected " + dimension());
        }
    }

    /** D (and its gradient) at model parameters p: the weighted means of the partitions' sums. */
    private double[] dataTerm(double[] p, boolean gradient) {
        evaluations++;
        final double[] theta = p.clone();
        final int k = gradient ? n + 2 : 1;
        JavaRDD<double[]> partials = onEveryPartition((run, index, it, w, c, l) -> PartitionRegistry.evaluate(run, index, it, w, c, l, theta, gradient));
        double[] acc = partials.treeAggregate(CompensatedSum.zero(k), CompensatedSum::add, CompensatedSum::merge, treeDepth);
        double[] sums = CompensatedSum.result(acc);
        for (int i = 0; i < k; i++) sums[i] /= m;
        return sums;
    }

    @Override public int dimension() { return fitIntercept ? n + 1 : n; }

    @Override
    public double smoothValueAndGradient(double[] u, double[] gradientOut) {
        checkDimension(u);
        preconditioner.toModel(u, fitIntercept, params);
        double[] d = dataTerm(params, true);
        System.arraycopy(d, 1, gModel, 0, n + 1);
        double v = d[0] + penalty.addSmoothPart(params, n, m, gModel);
        preconditioner.gradientToU(gModel, fitIntercept, gradientOut);
        return v;
    }

    @Override
    public double smoothValue(double[] u) {
        checkDimension(u);
        preconditioner.toModel(u, fitIntercept, params);
        double v = dataTerm(params, false)[0];
        return v + penalty.smoothValue(params, n, m);
    }

    @Override
    public double l1Coefficient(int i) {
        // The intercept is never penalised; in u, |θⱼ| = |uⱼ|/sⱼ (as LogisticObjective).
        return i < n ? penalty.l1Coefficient(m, i) / scale[i] : 0.0;
    }

    @Override public boolean isSmooth() { return penalty.isSmooth(); }

    @Override public boolean isConvex() { return loss.isConvex(); }

    @Override public boolean hasHessian() { return hessian; }

    /**
     * The Hessian of the smooth part in optimizer variables, as {@link dev.logreg.objective.LogisticObjective} forms
     * it: the partitions' Σwℓ''x̃x̃ᵀ ((n+1)² numbers each, compensated sums through {@code treeAggregate}) over M, plus
     * the L2 part on θ's diagonal, mapped by the preconditioner. One Spark job; its results grow with n², so Newton
     * suits Spark up to a few hundred features, as on one machine.
     */
    @Override
    public void smoothHessian(double[] u, double[] out) {
        if (!hessian) throw new UnsupportedOperationException("the executors' backends compute no Hessian; use lbfgs or owlqn");
        checkDimension(u);
        int d = dimension();
        if (out.length != d * d) throw new IllegalArgumentException("out has length " + out.length + ", expected " + d * d);
        preconditioner.toModel(u, fitIntercept, params);
        evaluations++;
        final double[] p = params.clone();
        final int k = (n + 1) * (n + 1);
        JavaRDD<double[]> partials = onEveryPartition((run, index, it, w, c, l) -> PartitionRegistry.hessian(run, index, it, w, c, l, p));
        double[] h = CompensatedSum.result(partials.treeAggregate(CompensatedSum.zero(k), CompensatedSum::add, CompensatedSum::merge, treeDepth));
        for (int i = 0; i < k; i++) h[i] /= m;
        for (int j = 0; j < n; j++) h[j * (n + 1) + j] += penalty.l2Coefficient(m, j);
        preconditioner.hessianToU(h, fitIntercept, out);
    }

    @Override public long rows() { return totalRows; }

    @Override
    public double batchValueAndGradient(long fromRow, long toRow, double[] x, double[] gradientOut) {
        throw new UnsupportedOperationException("the distributed objective has no mini-batches; use lbfgs or owlqn");
    }
}
