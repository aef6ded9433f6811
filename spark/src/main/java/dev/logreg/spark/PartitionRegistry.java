package dev.logreg.spark;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendChoice;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.OneVsRestTerms;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-executor cache of bound partitions: for each training run (a random run id) and partition index, the
 * partition's rows converted once to a float32 {@link Dataset} (dense or CSR, {@link PartitionRows}) and bound to a
 * local {@link Backend}, held as a {@link DataTerm} across every evaluation of that run.
 *
 * <p>Lifecycle: {@link #bind} creates an entry (first job of a fit); {@link #evaluate} (and {@link #separates}) reuses it, and recreates it
 * from the task's rows where it is missing (the task ran on another executor than the one that bound it, or the
 * executor was replaced); {@link #release} closes every entry of a run in this JVM (the last job of a fit, and the
 * driver itself, in a {@code finally}). In local mode the executors are threads of the driver's JVM, so the driver's
 * release closes everything; on a cluster an executor that gets no task of the release job keeps its entries until
 * it exits (documented in the README).
 *
 * <p>Why a static map, against the project's rule: it is the only state an executor JVM shares between the tasks of
 * successive Spark jobs; it holds nothing a user observes, and entries are keyed by run, so concurrent fits do not
 * meet. Thread-safe: entries are created atomically, and each entry's data term (not thread-safe) is used under its
 * own lock (speculative copies of one task may run at once).
 */
final class PartitionRegistry {
    private PartitionRegistry() {}

    /**
     * What every task of one fit needs to bind a partition where it is not bound yet, as plain serializable values (the
     * loss as its kind: enums serialize, a Loss need not).
     *
     * @param runId    the fit's random id, the key of its entries
     * @param weighted whether the rows carry a weight column
     * @param choice   the executors' backend name, or {@code null} for the backend factory's own choice
     * @param loss     {@link Loss.Kind#LOG} (binary, one output) or {@link Loss.Kind#MULTINOMIAL} (K outputs)
     * @param classes  K: the labels are class indices 0..K−1 (2 for binary data)
     * @param oneVsRest whether the partition is bound once for K binary problems ({@link Backend#bindOneVsRest}, loss
     *                 {@link Loss.Kind#LOG}), each class's term reading the same bound rows
     * @param positive the class whose binary term (that class against the rest) the tasks of this spec evaluate;
     *                 −1 where {@code oneVsRest} is false
     */
    record Spec(String runId, boolean weighted, String choice, Loss.Kind loss, int classes, boolean oneVsRest, int positive)
            implements java.io.Serializable {
        /** A binary or multinomial run: one term per partition. */
        Spec(String runId, boolean weighted, String choice, Loss.Kind loss, int classes) {
            this(runId, weighted, choice, loss, classes, false, -1);
        }

        /** The same run (the same bound partitions), evaluating class {@code c} against the rest. */
        Spec forClass(int c) {
            if (!oneVsRest || c < 0 || c >= classes) throw new IllegalArgumentException("class " + c + " of a " + (oneVsRest ? classes + "-class one-vs-rest" : "single-term") + " run");
            return new Spec(runId, weighted, choice, loss, classes, true, c);
        }
    }

    private static final Map<String, Map<Integer, Bound>> RUNS = new ConcurrentHashMap<>();
    /** Partitions converted and bound in this JVM since it started: lets tests check that each is converted once. */
    private static final java.util.concurrent.atomic.AtomicLong CONVERSIONS = new java.util.concurrent.atomic.AtomicLong();
    /** Of {@link #CONVERSIONS}, the partitions held as CSR ({@link PartitionRows}): lets tests check that sparse vectors stay sparse. */
    private static final java.util.concurrent.atomic.AtomicLong SPARSE_CONVERSIONS = new java.util.concurrent.atomic.AtomicLong();
    /** {@link Backend#bindOneVsRest} calls in this JVM since it started: lets tests check one bind per partition for K classes. */
    private static final java.util.concurrent.atomic.AtomicLong ONE_VS_REST_BINDS = new java.util.concurrent.atomic.AtomicLong();

    /** A partition's bound data term (or, one-vs-rest, its K class terms over one bind) and the backend that owns it. */
    static final class Bound {
        final Backend backend;
        /** The binary or multinomial term; for one-vs-rest, class 0's term (its rows, shape and Hessian support are every class's). */
        final DataTerm term;
        /** The one-vs-rest bind, or null. */
        final OneVsRestTerms oneVsRest;
        /**
         * One-vs-rest: the class whose term is in use, and that term. The driver fits the classes in turn, so each
         * partition asks its bind for each class's term once (a backend without shared rows binds that class's view
         * then, and a backend with them creates no term per evaluation); guarded by this object's lock.
         */
        private int currentClass;
        private DataTerm current;
        final long rows;
        final double weightSum;
        final PartitionSummary summary;
        /**
         * Per row of the term (bound in the partition's own order): its class index, or −1 for weight 0. What the
         * separability check needs that a {@link DataTerm} does not expose; four bytes per row, beside the 4n bytes
         * of its features.
         */
        final int[] classOf;

        Bound(Backend backend, DataTerm term, OneVsRestTerms oneVsRest, PartitionSummary summary, int[] classOf) {
            this.backend = backend;
            this.term = term;
            this.oneVsRest = oneVsRest;
            this.currentClass = 0;
            this.current = term;
            this.rows = term.rows();
            this.weightSum = summary.weightSum;
            this.summary = summary;
            this.classOf = classOf;
        }

        /** The term {@code spec}'s tasks evaluate: the class's binary term for one-vs-rest, else the one term. Call holding this object's lock. */
        DataTerm term(Spec spec) {
            if (oneVsRest == null) return term;
            if (spec.positive() != currentClass) {
                current.close(); // the previous class is done with (idempotent; its bind closes it too)
                current = oneVsRest.forClass(spec.positive());
                currentClass = spec.positive();
            }
            return current;
        }

        synchronized void close() {
            try {
                if (oneVsRest != null) oneVsRest.close(); else term.close();
            } finally {
                backend.close();
            }
        }
    }

    /**
     * What binding one partition found: its shape, weight sum and column moments (for the preconditioner), and the
     * backend it is bound to. Empty partitions have {@code rows == 0} and {@code features == -1}.
     */
    static final class PartitionSummary implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final int partition;
        final long rows;
        final int features;
        final double weightSum;
        /** Weighted column means, Σw(x−mean)² and Σw·x² (every column, or a sparse partition's stored ones); null where empty. */
        final ColumnMoments moments;
        final String backend;
        /** Whether the bound term computes the Hessian (Newton's method needs every partition's). */
        final boolean hessian;
        /** Rows per class (all rows, whatever their weight), length K; null where empty. */
        final long[] classCounts;

        PartitionSummary(int partition, long rows, int features, double weightSum, ColumnMoments moments, String backend,
                         boolean hessian, long[] classCounts) {
            this.partition = partition;
            this.rows = rows;
            this.features = features;
            this.weightSum = weightSum;
            this.moments = moments;
            this.backend = backend;
            this.hessian = hessian;
            this.classCounts = classCounts;
        }
    }

    /** Binds (or finds) partition {@code partition} of the run {@code spec} names from {@code rows}; returns its summary. */
    static PartitionSummary bind(Spec spec, int partition, Iterator<Row> rows) {
        Bound b = bound(spec, partition, rows);
        return b == null ? new PartitionSummary(partition, 0, -1, 0.0, null, "none (empty partition)", true, null) : b.summary;
    }

    /** The partition's entry, created from {@code rows} where this JVM holds none; null for an empty partition. */
    private static Bound bound(Spec spec, int partition, Iterator<Row> rows) {
        Bound b = find(spec.runId(), partition);
        return b != null ? b : create(spec, partition, rows);
    }

    private static Bound find(String runId, int partition) {
        Map<Integer, Bound> run = RUNS.get(runId);
        return run == null ? null : run.get(partition);
    }

    private static Bound create(Spec spec, int partition, Iterator<Row> rows) {
        Dataset data = PartitionRows.toDataset(rows, spec.weighted(), spec.classes());
        if (data == null) return null;
        CONVERSIONS.incrementAndGet();
        if (data.isSparse()) SPARSE_CONVERSIONS.incrementAndGet();
        ColumnMoments moments = ColumnMoments.of(data);
        int n = data.cols();
        int[] classOf = classOf(data);
        BackendFactory factory = BackendFactory.discover(PartitionRegistry.class.getClassLoader());
        Backend backend = openFor(factory, spec, partition, data);
        DataTerm term;
        OneVsRestTerms oneVsRest = null;
        try {
            if (spec.oneVsRest()) {
                // One bind of the partition's K-class rows for every class's binary problem.
                oneVsRest = backend.bindOneVsRest(data, Loss.log(), BindOptions.DEFAULT);
                ONE_VS_REST_BINDS.incrementAndGet();
                term = oneVsRest.forClass(0);
            } else {
                term = backend.bind(data, Loss.of(spec.loss()));
            }
        } catch (IllegalArgumentException e) {
            backend.close();
            // As the single-machine LogisticRegression.fit: until every backend has a softmax pass, a backend chosen
            // automatically that refuses the multinomial loss gives way to the reference backend (the summary's
            // backends say which ran). An explicit choice is the user's and fails with the backend's own message.
            if (spec.loss() != Loss.Kind.MULTINOMIAL || !factory.resolve(spec.choice()).getKey().equals(BackendChoice.AUTO.id())) throw e;
            backend = factory.openByName(BackendChoice.REFERENCE.id(), taskOptions());
            try {
                term = backend.bind(data, Loss.of(spec.loss()));
            } catch (RuntimeException | Error e2) {
                backend.close();
                throw e2;
            }
        } catch (RuntimeException | Error e) {
            if (oneVsRest != null) oneVsRest.close();
            backend.close();
            throw e;
        }
        // The weight sum the term divides by (its own accumulation), so that mean × weight sum restores its sum exactly.
        PartitionSummary summary = new PartitionSummary(partition, data.rows(), n, term.weightSum(0, term.rows()), moments,
                backend.description(), term.supportsHessian(), data.labelCounts());
        Bound fresh = new Bound(backend, term, oneVsRest, summary, classOf);
        Bound raced = RUNS.computeIfAbsent(spec.runId(), k -> new ConcurrentHashMap<>()).putIfAbsent(partition, fresh);
        if (raced != null) {
            // A speculative copy of this task bound the same partition first: keep one.
            fresh.close();
            return raced;
        }
        return fresh;
    }

    /** Each row's class, as {@link Bound#classOf}: its label, or −1 where its weight is 0. */
    private static int[] classOf(Dataset data) {
        if (data.rows() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a partition has " + data.rows() + " rows, expected at most " + (Integer.MAX_VALUE - 8)
                    + "; repartition the DataFrame into more partitions");
        }
        int[] classOf = new int[(int) data.rows()];
        for (int i = 0; i < classOf.length; i++) classOf[i] = data.weight(i) != 0f ? (int) data.label(i) : -1;
        return classOf;
    }

    /**
     * Threads as the task was granted ({@code spark.task.cpus}), so that the concurrent tasks of one executor do not
     * each start a pool of every core; the task's first GPU address (Spark resource scheduling) as the CUDA device.
     */
    private static BackendOptions taskOptions() {
        TaskContext tc = TaskContext.get();
        if (tc == null) return BackendOptions.DEFAULT;
        int device = 0;
        scala.Option<ResourceInformation> gpu = tc.resources().get("gpu");
        if (gpu.isDefined() && gpu.get().addresses().length > 0) {
            try {
                device = Integer.parseInt(gpu.get().addresses()[0].trim());
            } catch (NumberFormatException e) {
                device = 0; // an address that is not an ordinal: let the backend use its default device
            }
        }
        return new BackendOptions(Math.max(1, tc.cpus()), device);
    }

    /**
     * The executors' backend for {@code data}. Sparse (CSR) data need a backend that binds them
     * ({@link Backend#supportsSparse()}): where the backend chosen automatically does not, the partition gives way to
     * the reference backend (the summary's backends say which ran), as multinomial partitions do; a backend the user
     * named is theirs, and is refused with what to do instead.
     */
    private static Backend openFor(BackendFactory factory, Spec spec, int partition, Dataset data) {
        Backend backend = factory.openByName(spec.choice(), taskOptions());
        if (!data.isSparse() || backend.supportsSparse()) return backend;
        String name = backend.name();
        backend.close();
        if (!factory.resolve(spec.choice()).getKey().equals(BackendChoice.AUTO.id())) {
            throw new IllegalArgumentException("partition " + partition + " holds sparse features (at least half its vectors are SparseVectors: "
                    + data.rows() + " x " + data.cols() + ", " + data.nonzeros() + " stored entries), which backend '" + name + "' cannot bind;"
                    + " setBackend(\"reference\") or leave the backend on auto, which binds sparse partitions to a backend that reads them");
        }
        return factory.openByName(BackendChoice.REFERENCE.id(), taskOptions());
    }

    /**
     * Σwᵢℓᵢ over partition {@code partition} (and its gradient, Σwᵢ ∂ℓᵢ/∂params, as many values as {@code params}
     * in the layout of the term's {@link dev.logreg.backend.ParamShape}, where {@code gradient}): the data term's
     * weighted mean times the partition's weight sum. Returns {@code [value, gradient...]} ({@code [value]} alone
     * without gradient); zeros for an empty partition.
     */
    static double[] evaluate(Spec spec, int partition, Iterator<Row> rows, double[] params, boolean gradient) {
        Bound b = bound(spec, partition, rows);
        double[] out = new double[gradient ? params.length + 1 : 1];
        if (b == null || b.weightSum == 0) return out;
        synchronized (b) {
            DataTerm term = b.term(spec);
            if (gradient) {
                double[] g = new double[params.length];
                out[0] = term.valueAndGradient(params, g) * b.weightSum;
                for (int j = 0; j < g.length; j++) out[j + 1] = g[j] * b.weightSum;
            } else {
                out[0] = term.value(params) * b.weightSum;
            }
        }
        return out;
    }

    /**
     * The term's Hessian (a weighted mean; for one output Σwᵢ ℓ''ᵢ x̃ᵢx̃ᵢᵀ / Σwᵢ, x̃ = (x, 1)) times the partition's
     * weight sum, d² values row-major for d = {@code params.length}; zeros for an empty partition.
     *
     * @throws IllegalStateException where the partition's backend computes no Hessian (the driver checks every
     *                               partition's {@link PartitionSummary#hessian} before Newton starts)
     */
    static double[] hessian(Spec spec, int partition, Iterator<Row> rows, double[] params) {
        Bound b = bound(spec, partition, rows);
        double[] out = new double[params.length * params.length];
        if (b == null || b.weightSum == 0) return out;
        synchronized (b) {
            DataTerm term = b.term(spec);
            if (!term.supportsHessian()) {
                throw new IllegalStateException("partition " + partition + " is bound to " + b.summary.backend + ", which computes no Hessian");
            }
            term.hessian(params, out);
        }
        for (int i = 0; i < out.length; i++) out[i] *= b.weightSum;
        return out;
    }

    /** Logits one {@link DataTerm#margins} call of the separability check fetches at most (a 512 KiB buffer). */
    private static final int MARGIN_CHUNK = 1 << 16;

    /**
     * Whether the model {@code params} (in the layout of the term's shape; intercepts 0 for a model without
     * intercept) puts every row of partition {@code partition} with a non-zero weight strictly on its label's side:
     * for one output zᵢ &gt; 0 where yᵢ = 1 and zᵢ &lt; 0 where yᵢ = 0; for K outputs the logit of the row's class
     * strictly above every other class's (a NaN logit is on no side). The rules of the single-machine
     * {@code Trainer}'s separability checks, with the logits computed by the partition's bound data term. True for an
     * empty partition and for one whose rows all have weight 0. Stops at the first row on the wrong side.
     */
    static boolean separates(Spec spec, int partition, Iterator<Row> rows, double[] params) {
        Bound b = bound(spec, partition, rows);
        if (b == null || b.weightSum == 0) return true;
        int k = spec.oneVsRest() ? 1 : b.term.shape().outputs();
        int chunkRows = (int) Math.min(Math.max(1, MARGIN_CHUNK / k), b.rows);
        double[] z = new double[chunkRows * k];
        synchronized (b) {
            DataTerm term = b.term(spec);
            for (long from = 0; from < b.rows; from += chunkRows) {
                long to = Math.min(b.rows, from + chunkRows);
                term.margins(from, to, params, z);
                for (int i = 0; i < to - from; i++) {
                    int y = b.classOf[(int) from + i];
                    // One-vs-rest: the binary label of the class's problem (weight-0 rows stay −1).
                    if (spec.oneVsRest() && y >= 0) y = y == spec.positive() ? 1 : 0;
                    if (y >= 0 && !onItsSide(z, i * k, k, y)) return false;
                }
            }
        }
        return true;
    }

    /** Whether the logits {@code z[at .. at+k-1]} of a row of class {@code y} put it strictly on its side. */
    private static boolean onItsSide(double[] z, int at, int k, int y) {
        if (k == 1) return (y == 1 ? z[at] : -z[at]) > 0;
        double own = z[at + y];
        for (int c = 0; c < k; c++) {
            if (c != y && !(own > z[at + c])) return false;
        }
        return true;
    }

    /** Closes every entry of run {@code runId} in this JVM; returns how many. Idempotent. */
    static int release(String runId) {
        Map<Integer, Bound> run = RUNS.remove(runId);
        if (run == null) return 0;
        List<RuntimeException> failures = new ArrayList<>();
        for (Bound b : run.values()) {
            try {
                b.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            for (int i = 1; i < failures.size(); i++) first.addSuppressed(failures.get(i));
            throw first;
        }
        return run.size();
    }

    /** Partitions converted and bound in this JVM so far (for tests: each partition once per fit). */
    static long conversions() {
        return CONVERSIONS.get();
    }

    /** Partitions converted to CSR in this JVM so far (for tests: a column of sparse vectors is held sparse). */
    static long sparseConversions() {
        return SPARSE_CONVERSIONS.get();
    }

    /** {@link Backend#bindOneVsRest} calls in this JVM so far (for tests: one per partition of a one-vs-rest fit, whatever K). */
    static long oneVsRestBinds() {
        return ONE_VS_REST_BINDS.get();
    }

    /** Training runs with entries held in this JVM (for tests of the lifecycle). */
    static int runsHeld() {
        return RUNS.size();
    }

    /** Entries of run {@code runId} held in this JVM (for tests of the lifecycle). */
    static int held(String runId) {
        Map<Integer, Bound> run = RUNS.get(runId);
        return run == null ? 0 : run.size();
    }
}
