package dev.logreg.backend.reference;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.RowPermutation;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.loss.Loss;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The oracle: a plain-Java backend in double precision throughout, one thread, written to be obviously correct
 * rather than fast. Every other backend is tested against it.
 *
 * <p>It does not copy the dataset: a bound term reads the {@link Dataset}'s blocks (which are immutable), through a
 * row permutation where one was asked for. Each row's logit, loss and derivative are computed with {@link Loss}'s
 * double-precision definitions; sums are plain double sums in row order.
 */
public final class ReferenceBackend implements Backend {
    private final List<Term> open = new ArrayList<>();
    private boolean closed;

    @Override public String name() { return "reference"; }

    @Override public String description() { return "reference: plain Java, float64 throughout, 1 thread"; }

    @Override
    public DataTerm bind(Dataset data, Loss loss, BindOptions options) {
        ensureOpen();
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(options, "options");
        int[] perm = options.permutationSeed().isPresent() ? RowPermutation.of(data.rows(), options.permutationSeed().getAsLong()) : null;
        Term t = new Term(data, loss, perm);
        open.add(t);
        return t;
    }

    @Override
    public long liveAllocations() {
        return open.size();
    }

    @Override
    public void close() {
        if (closed) return;
        for (Term t : new ArrayList<>(open)) t.close();
        closed = true;
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("reference backend is closed");
    }

    private final class Term implements DataTerm {
        private final Dataset data;
        private final Loss loss;
        private final int[] perm;
        private final int n;
        private final RowBlock[] blocks;
        private final long[] firstRows;
        private boolean termClosed;

        Term(Dataset data, Loss loss, int[] perm) {
            this.data = data;
            this.loss = loss;
            this.perm = perm;
            this.n = data.cols();
            this.blocks = data.blocks().toArray(new RowBlock[0]);
            this.firstRows = new long[blocks.length];
            for (int i = 0; i < blocks.length; i++) firstRows[i] = blocks[i].firstRow();
        }

        @Override public long rows() { return data.rows(); }

        @Override public int features() { return n; }

        /** Block index holding dataset row {@code row}. */
        private int blockIndex(long row) {
            int lo = 0;
            int hi = blocks.length - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (firstRows[mid] <= row) lo = mid; else hi = mid - 1;
            }
            return lo;
        }

        private long datasetRow(long r) {
            return perm == null ? r : perm[(int) r];
        }

        private void checkRange(long from, long to) {
            check();
            if (from < 0 || to > data.rows() || from >= to) {
                throw new IllegalArgumentException("row range [" + from + ", " + to + ") is empty or outside [0, " + data.rows() + ")");
            }
        }

        private void checkParams(double[] params) {
            Objects.requireNonNull(params, "params");
            if (params.length != n + 1) {
                throw new IllegalArgumentException("params has length " + params.length + ", expected features + 1 = " + (n + 1));
            }
        }

        private void check() {
            if (termClosed) throw new IllegalStateException("data term is closed");
            ensureOpen();
        }

        @Override
        public double weightSum(long from, long to) {
            checkRange(from, to);
            if (!data.isWeighted()) return to - from;
            double s = 0;
            for (long r = from; r < to; r++) {
                long row = datasetRow(r);
                RowBlock b = blocks[blockIndex(row)];
                s += b.weight((int) (row - b.firstRow()));
            }
            return s;
        }

        /** Logit of dataset row {@code row}: Σ θⱼ xⱼ + b in double, in column order. */
        private double logit(RowBlock b, FloatBuffer x, int local, double[] params) {
            int base = local * n;
            double z = 0;
            for (int j = 0; j < n; j++) z += params[j] * x.get(base + j);
            return z + params[n];
        }

        @Override
        public double valueAndGradient(long from, long to, double[] params, double[] gradientOut) {
            checkRange(from, to);
            checkParams(params);
            Objects.requireNonNull(gradientOut, "gradientOut");
            if (gradientOut.length != n + 1) {
                throw new IllegalArgumentException("gradientOut has length " + gradientOut.length + ", expected " + (n + 1));
            }
            double[] g = new double[n + 1];
            double value = 0;
            double m = 0;
            for (long r = from; r < to; r++) {
                long row = datasetRow(r);
                RowBlock b = blocks[blockIndex(row)];
                int local = (int) (row - b.firstRow());
                FloatBuffer x = b.features();
                double y = b.labels().get(local);
                double w = b.weight(local);
                double z = logit(b, x, local, params);
                value += w * loss.value(y, z);
                double res = w * loss.derivative(y, z);
                int base = local * n;
                for (int j = 0; j < n; j++) g[j] += res * x.get(base + j);
                g[n] += res;
                m += w;
            }
            // An all-zero-weight range contributes nothing (DataTerm's contract), rather than 0/0.
            for (int j = 0; j <= n; j++) gradientOut[j] = m > 0 ? g[j] / m : 0.0;
            return m > 0 ? value / m : 0.0;
        }

        @Override
        public double value(long from, long to, double[] params) {
            checkRange(from, to);
            checkParams(params);
            double value = 0;
            double m = 0;
            for (long r = from; r < to; r++) {
                long row = datasetRow(r);
                RowBlock b = blocks[blockIndex(row)];
                int local = (int) (row - b.firstRow());
                double w = b.weight(local);
                value += w * loss.value(b.labels().get(local), logit(b, b.features(), local, params));
                m += w;
            }
            return m > 0 ? value / m : 0.0;
        }

        @Override
        public void margins(long from, long to, double[] params, double[] out) {
            checkRange(from, to);
            checkParams(params);
            if (out.length < to - from) throw new IllegalArgumentException("out has length " + out.length + ", expected at least " + (to - from));
            for (long r = from; r < to; r++) {
                long row = datasetRow(r);
                RowBlock b = blocks[blockIndex(row)];
                out[(int) (r - from)] = logit(b, b.features(), (int) (row - b.firstRow()), params);
            }
        }

        @Override public boolean supportsHessian() { return true; }

        @Override
        public void hessian(double[] params, double[] out) {
            check();
            checkParams(params);
            int d = n + 1;
            if (out.length != d * d) throw new IllegalArgumentException("out has length " + out.length + ", expected " + (d * d));
            java.util.Arrays.fill(out, 0.0);
            double[] xt = new double[d];
            double m = 0;
            for (RowBlock b : blocks) {
                FloatBuffer x = b.features();
                for (int i = 0; i < b.rows(); i++) {
                    double w = b.weight(i);
                    double c = w * loss.secondDerivative(b.labels().get(i), logit(b, x, i, params));
                    for (int j = 0; j < n; j++) xt[j] = x.get(i * n + j);
                    xt[n] = 1.0;
                    for (int j = 0; j < d; j++) {
                        double cj = c * xt[j];
                        for (int k = 0; k <= j; k++) out[j * d + k] += cj * xt[k];
                    }
                    m += w;
                }
            }
            for (int j = 0; j < d; j++) {
                for (int k = 0; k <= j; k++) {
                    out[j * d + k] /= m;
                    out[k * d + j] = out[j * d + k];
                }
            }
        }

        @Override
        public void close() {
            if (termClosed) return;
            termClosed = true;
            open.remove(this);
        }
    }
}
