package dev.logreg.cpu;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.DoubleBuffer;

/**
 * The passes of an {@link Nd4jDataTerm} (binary losses) that run on ND4J gemms over float64 copies of row blocks:
 * the {@link Nd4jBackend.Pass#ND4J_GEMV} value and gradient, and the Hessian past {@link SmallDenseHessian}'s bound. Each worker slot has its
 * own scratch ({@link Work}), allocated on first use in the term's {@link TermMemory} and kept until the term closes.
 * Not thread-safe beyond one thread per slot.
 */
final class Nd4jGemmPasses {
    /** Doubles per ND4J row block (1 MiB): the float64 copy of a block stays in the L2/L3 cache between the gemms, and is large enough to amortize the per-op overhead of ND4J. */
    private static final int BLOCK_DOUBLES = 1 << 17;

    private final boolean log;
    private final int n;
    private final int chunkRows;
    private final boolean weighted;
    private final DenseChunks chunks;
    private final ChunkFloats[] xb;
    private final ChunkFloats[] yb;
    private final ChunkFloats[] wb;
    private final TermMemory arrays;
    private final Work[] work;

    Nd4jGemmPasses(boolean log, int n, boolean weighted, DenseChunks chunks, TermMemory arrays, int slots) {
        this.log = log;
        this.n = n;
        this.weighted = weighted;
        this.chunks = chunks;
        this.chunkRows = chunks.chunkRows;
        this.xb = chunks.xb;
        this.yb = chunks.yb;
        this.wb = chunks.wb;
        this.arrays = arrays;
        this.work = new Work[slots];
    }

    /**
     * The ND4J pass over rows [lo, hi) of chunk c: per block, cast to float64 (the read of X), z = X̃·θ̃ by gemm,
     * r in Java, g += X̃ᵀ·r by gemm on the block still in cache.
     */
    void accumulate(int c, int lo, int hi, double[] params, boolean gradient, double[] acc, int slot) {
        Work wk = work(slot);
        wk.setTheta(params);
        if (gradient) zero(wk.g);
        double value = 0;
        double weights = 0;
        double[] rv = new double[1];
        for (int r = lo; r < hi; r += wk.blockRows) {
            int k = Math.min(wk.blockRows, hi - r);
            INDArray xd = wk.logits(c, r, k);
            INDArray rk = k == wk.blockRows ? wk.r : wk.r.get(NDArrayIndex.interval(0, k), NDArrayIndex.all());
            for (int i = 0; i < k; i++) {
                double wi = weighted ? wb[c].get(r + i) : 1.0;
                value += wi * FusedKernel.pointwise(log, yb[c].get(r + i), wk.zb.get(i), gradient, rv);
                weights += wi;
                if (gradient) wk.rb.put(i, wi * rv[0]);
            }
            if (gradient) gemm("gemm g += X^T r", xd, rk, wk.g, true, 1.0);
        }
        if (gradient) {
            for (int j = 0; j <= n; j++) acc[j] += wk.gb.get(j);
        }
        acc[n + 1] += value;
        acc[n + 2] += weights;
    }


    /**
     * (1/M) Σ wᵢ ℓ''(yᵢ, zᵢ) x̃ᵢ x̃ᵢᵀ over all rows into {@code out}, (n+1)² entries ({@link Nd4jDataTerm#hessian} says
     * how it is summed).
     */
    void hessian(double[] params, double[] out) {
        int d = n + 1;
        if (out.length != d * d) throw new IllegalArgumentException("out has length " + out.length + ", expected (features + 1)^2 = " + (d * d));
        Work wk = work(0);
        wk.setTheta(params);
        INDArray h = wk.hessianScratch();
        zero(h);
        double m = 0;
        for (int c = 0; c < chunks.count(); c++) {
            int k0 = chunks.length(c);
            for (int r = 0; r < k0; r += wk.blockRows) {
                int k = Math.min(wk.blockRows, k0 - r);
                INDArray xd = wk.logits(c, r, k);
                // S = c ∘ X̃ row by row through the buffers: ND4J's assign and broadcast multiply on views took
                // several times the gemm's own time (2.5-3.5 s against 0.5 s for 1,000,000 x 100).
                DoubleBuffer xdb = wk.xdb;
                DoubleBuffer sb = wk.sb;
                for (int i = 0; i < k; i++) {
                    double wi = weighted ? wb[c].get(r + i) : 1.0;
                    double ci = wi * FusedKernel.secondDerivative(log, yb[c].get(r + i), wk.zb.get(i));
                    m += wi;
                    int o = i * d;
                    for (int j = 0; j < d; j++) sb.put(o + j, ci * xdb.get(o + j));
                }
                INDArray sk = k == wk.blockRows ? wk.s : wk.s.get(NDArrayIndex.interval(0, k), NDArrayIndex.all());
                gemm("gemm H += X^T (c X)", xd, sk, h, true, 1.0);
            }
        }
        DoubleBuffer hb = wk.hb;
        for (int j = 0; j < d; j++) {
            for (int k = 0; k <= j; k++) {
                double v = hb.get(j * d + k) / m;
                out[j * d + k] = v;
                out[k * d + j] = v;
            }
        }
    }

    private static void gemm(String op, INDArray a, INDArray b, INDArray c, boolean transposeA, double beta) {
        Nd4jSupport.call(op, () -> Nd4j.gemm(a, b, c, transposeA, false, 1.0, beta));
    }

    private static void zero(INDArray a) {
        Nd4jSupport.call("assign 0", () -> a.assign(0.0));
    }

    private Work work(int slot) {
        Work wk = work[slot];
        if (wk == null) wk = work[slot] = new Work();
        return wk;
    }

    /** ND4J float64 scratch of one worker slot, allocated on first use and kept until the term closes. */
    private final class Work {
        final int blockRows = (int) Math.max(1, Math.min(chunkRows, BLOCK_DOUBLES / (n + 1)));
        /** X̃ of a block: the float64 copy of its rows with a last column of ones. [blockRows, n+1]. */
        final INDArray xd = arrays.allocate(DataType.DOUBLE, blockRows, n + 1);
        final INDArray theta = arrays.allocate(DataType.DOUBLE, n + 1, 1);
        final INDArray z = arrays.allocate(DataType.DOUBLE, blockRows, 1);
        final INDArray r = arrays.allocate(DataType.DOUBLE, blockRows, 1);
        final INDArray g = arrays.allocate(DataType.DOUBLE, n + 1, 1);
        final DoubleBuffer thetab = Nd4jSupport.doubles(theta);
        final DoubleBuffer zb = Nd4jSupport.doubles(z);
        final DoubleBuffer rb = Nd4jSupport.doubles(r);
        final DoubleBuffer gb = Nd4jSupport.doubles(g);
        /** X̃'s buffer, row-major [blockRows, n+1] (ND4J's default 'c' order). */
        final DoubleBuffer xdb = Nd4jSupport.doubles(xd);
        /** One row of a chunk read in place, on its way into X̃. */
        float[] row;
        INDArray s;
        DoubleBuffer sb;
        INDArray h;
        DoubleBuffer hb;

        Work() {
            // logits() writes X̃ through its buffer as row-major; ND4J's default order is 'c', checked once here.
            if (xd.ordering() != 'c') throw new IllegalStateException("ND4J allocated X̃ in order " + xd.ordering() + ", expected 'c'");
            Nd4jSupport.call("assign 1 (intercept column)", () -> xd.get(NDArrayIndex.all(), NDArrayIndex.point(n)).assign(1.0));
        }

        void setTheta(double[] params) {
            for (int j = 0; j <= n; j++) thetab.put(j, params[j]);
        }

        /**
         * Casts rows [lo, lo+k) of chunk c to float64 into X̃ and computes z = X̃·θ̃ into {@link #z}; returns X̃'s
         * [k, n+1] view. The cast is ND4J's where the chunk is an ND4J array, else a Java loop over the dataset's
         * buffer: float→double is exact, so X̃, and every gemm on it, is the same either way.
         */
        INDArray logits(int c, int lo, int k) {
            INDArray xk = k == blockRows ? xd : xd.get(NDArrayIndex.interval(0, k), NDArrayIndex.all());
            INDArray zk = k == blockRows ? z : z.get(NDArrayIndex.interval(0, k), NDArrayIndex.all());
            if (row == null) row = new float[n];
            ChunkFloats src = xb[c];
            for (int i = 0; i < k; i++) {
                src.get((lo + i) * n, row, 0, n);
                int o = i * (n + 1);
                for (int j = 0; j < n; j++) xdb.put(o + j, row[j]);
            }
            gemm("gemm z = X theta", xk, theta, zk, false, 0.0);
            return xk;
        }

        INDArray hessianScratch() {
            if (h == null) {
                s = arrays.allocate(DataType.DOUBLE, blockRows, n + 1);
                // Written as row-major [blockRows, n+1] through its buffer, like X̃ (see the constructor's check).
                if (s.ordering() != 'c') throw new IllegalStateException("ND4J allocated S in order " + s.ordering() + ", expected 'c'");
                sb = Nd4jSupport.doubles(s);
                h = arrays.allocate(DataType.DOUBLE, n + 1, n + 1);
                hb = Nd4jSupport.doubles(h);
            }
            return h;
        }
    }
}
