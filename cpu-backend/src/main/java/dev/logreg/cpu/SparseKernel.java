package dev.logreg.cpu;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * The fused one-pass loop of the binary losses (log, MSE) over sparse (CSR) rows: for each row its logit
 * z = Σₖ θ[jₖ]·vₖ + b (a float64 sum over the row's nonzeros in their stored order: the reference backend's sum, bit
 * for bit), then the per-row scalar the pass asks for ({@link Op}), then, where a gradient is wanted, that scalar
 * times the row scattered into a float64 gradient: Σᵢ sᵢ xᵢ, each row's nonzeros read from main memory once.
 *
 * <p>Rows are read in tiles: one bulk copy of up to {@link #TILE_NONZEROS} indices and values (whole rows) into
 * reused arrays, the single read of the nonzeros from main memory; then the tile's dot products (two rows at a
 * time, so that two independent add chains hide the latency of the gathers and adds, each row's own sum still in
 * its stored order); then the per-row scalars; then the scatter, with the tile still in L1. A row longer than a
 * tile is read straight from the buffers, twice (dot, then scatter). Rows whose scalar is 0 (weight 0) scatter
 * nothing, which leaves a float64 sum's bits unchanged.
 *
 * <p>Stateless; each thread passes its own {@link Tile}, gradient partial and sums.
 */
final class SparseKernel {
    private SparseKernel() {}

    /** Nonzeros per tile: 2,048 (16 KiB of indices and values, in L1 with the gathers' lines beside them). */
    static final int TILE_NONZEROS = 2048;
    /** Rows per tile at most (a tile of short rows). */
    static final int TILE_ROWS = 512;

    /** Layout of a pass's scalar sums. */
    static final int VALUE = 0;
    static final int WEIGHT = 1;
    /** Σ sᵢ: the intercept's gradient (or Hessian-vector entry). */
    static final int INTERCEPT = 2;
    static final int SUMS = 3;

    /** What a pass computes per row. */
    enum Op {
        /** Σ wᵢℓᵢ and Σ wᵢ only. */
        VALUE,
        /** sᵢ = wᵢ ℓ'(yᵢ, zᵢ), and the value. */
        GRADIENT,
        /** sᵢ = cᵢ (x̃ᵢ·v) with cᵢ = wᵢ ℓ''(yᵢ, zᵢ) computed here (and kept in {@link Pass#curvature} where given). */
        HV_FILL,
        /** sᵢ = cᵢ (x̃ᵢ·v) with cᵢ read from {@link Pass#curvature}: one dot product a row instead of two. */
        HV_CACHED,
        /** zᵢ into {@link Pass#rowOut}. */
        MARGINS
    }

    /** Per-thread scratch: one tile of rows and its per-row results. */
    static final class Tile {
        final int[] idx = new int[TILE_NONZEROS];
        final float[] val = new float[TILE_NONZEROS];
        final int[] start = new int[TILE_ROWS + 1];
        final double[] z = new double[TILE_ROWS];
        final double[] u = new double[TILE_ROWS];
        final double[] s = new double[TILE_ROWS];
        final double[] derivative = new double[1];
    }

    /** The inputs of one pass, the same for every thread (set before the pass, read-only during it). */
    static final class Pass {
        Op op;
        boolean log;
        /** The class whose rows are label 1, or −1 where the bound labels are already 0/1 (one-vs-rest). */
        float positiveClass = -1;
        /** θ and b (length n+1). */
        double[] theta;
        /** The vector of a Hessian-vector product (length n+1), else null. */
        double[] v;
        int n;
        /** cᵢ per bound row (HV_FILL writes where non-null; HV_CACHED reads). */
        double[] curvature;
        /** Where non-null: sᵢ (GRADIENT, HV_*) or zᵢ (MARGINS) of bound row i at {@code rowOut[i − rowOutBase]}. */
        double[] rowOut;
        long rowOutBase;
    }

    /**
     * Adds local rows [lo, hi) of chunk c of {@code rows}: the sums into {@code sums} (layout {@link #VALUE} ...),
     * and, where {@code g} is non-null, Σ sᵢ xᵢ into g[0, n).
     */
    static void accumulate(Pass p, CsrRows rows, int c, int lo, int hi, double[] g, double[] sums, Tile t) {
        LongBuffer off = rows.offsets[c];
        IntBuffer idx = rows.indices[c];
        FloatBuffer val = rows.values[c];
        FloatBuffer y = rows.labels[c];
        FloatBuffer w = rows.weights[c];
        long rowBase = rows.firstRow[c];
        boolean two = p.op == Op.HV_FILL;
        double[] first = p.op == Op.HV_CACHED ? p.v : p.theta;
        int r = lo;
        long s0 = off.get(r);
        while (r < hi) {
            int k = 0;
            long end = s0;
            while (r + k < hi && k < TILE_ROWS) {
                long e = off.get(r + k + 1);
                if (e - s0 > TILE_NONZEROS) break;
                end = e;
                t.start[++k] = (int) (e - s0);
            }
            if (k == 0) {
                long e = off.get(r + 1);
                longRow(p, idx, val, (int) s0, (int) e, y, w, r, rowBase, g, sums, t);
                r++;
                s0 = e;
                continue;
            }
            int count = (int) (end - s0);
            idx.get((int) s0, t.idx, 0, count);
            val.get((int) s0, t.val, 0, count);
            dots(first, t.idx, t.val, t.start, k, t.z);
            if (two) dots(p.v, t.idx, t.val, t.start, k, t.u);
            boolean any = false;
            for (int i = 0; i < k; i++) {
                double si = row(p, y, w, r + i, rowBase, t.z[i], t.u[i], sums, t.derivative);
                t.s[i] = si;
                any |= si != 0.0;
            }
            if (g != null && any) scatter(t, k, g);
            r += k;
            s0 = end;
        }
    }

    /**
     * out[i] = Σ p[idx[q]]·val[q] over row i of the tile (q in [start[i], start[i+1])), in stored order, two rows at a
     * time: two independent add chains, each row's own sum unchanged in order.
     */
    static void dots(double[] p, int[] idx, float[] val, int[] start, int k, double[] out) {
        int i = 0;
        for (; i + 1 < k; i += 2) {
            int a = start[i];
            int b = start[i + 1];
            int e = start[i + 2];
            int la = b - a;
            int lb = e - b;
            int common = Math.min(la, lb);
            double za = 0;
            double zb = 0;
            for (int q = 0; q < common; q++) {
                za += p[idx[a + q]] * val[a + q];
                zb += p[idx[b + q]] * val[b + q];
            }
            for (int q = common; q < la; q++) za += p[idx[a + q]] * val[a + q];
            for (int q = common; q < lb; q++) zb += p[idx[b + q]] * val[b + q];
            out[i] = za;
            out[i + 1] = zb;
        }
        if (i < k) {
            double z = 0;
            for (int q = start[i]; q < start[i + 1]; q++) z += p[idx[q]] * val[q];
            out[i] = z;
        }
    }

    /** g[idx[q]] += sᵢ·val[q] over every row of the tile whose sᵢ is not 0. */
    private static void scatter(Tile t, int k, double[] g) {
        int[] idx = t.idx;
        float[] val = t.val;
        for (int i = 0; i < k; i++) {
            double si = t.s[i];
            if (si == 0.0) continue;
            int end = t.start[i + 1];
            for (int q = t.start[i]; q < end; q++) g[idx[q]] += si * val[q];
        }
    }

    /** A row longer than a tile, read from the buffers: its dot product(s), its scalar, then its scatter. */
    private static void longRow(Pass p, IntBuffer idx, FloatBuffer val, int from, int to, FloatBuffer y, FloatBuffer w,
                                int local, long rowBase, double[] g, double[] sums, Tile t) {
        double[] first = p.op == Op.HV_CACHED ? p.v : p.theta;
        double z = 0;
        double u = 0;
        for (int q = from; q < to; q++) z += first[idx.get(q)] * val.get(q);
        if (p.op == Op.HV_FILL) {
            for (int q = from; q < to; q++) u += p.v[idx.get(q)] * val.get(q);
        }
        double si = row(p, y, w, local, rowBase, z, u, sums, t.derivative);
        if (g == null || si == 0.0) return;
        for (int q = from; q < to; q++) g[idx.get(q)] += si * val.get(q);
    }

    /**
     * The row's scalar sᵢ (0 where the op scatters nothing), its contributions to the sums, and its {@link Pass#rowOut}
     * entry. {@code dot} is x·θ (x·v for {@link Op#HV_CACHED}), {@code dotV} x·v for {@link Op#HV_FILL}.
     */
    private static double row(Pass p, FloatBuffer y, FloatBuffer w, int local, long rowBase, double dot, double dotV,
                              double[] sums, double[] derivative) {
        int n = p.n;
        long bound = rowBase + local;
        if (p.op == Op.MARGINS) {
            p.rowOut[(int) (bound - p.rowOutBase)] = dot + p.theta[n];
            return 0.0;
        }
        double wi = w == null ? 1.0 : w.get(local);
        sums[WEIGHT] += wi;
        double si;
        switch (p.op) {
            case VALUE:
                sums[VALUE] += wi * FusedKernel.pointwise(p.log, label(p, y, local), dot + p.theta[n], false, derivative);
                return 0.0;
            case GRADIENT:
                sums[VALUE] += wi * FusedKernel.pointwise(p.log, label(p, y, local), dot + p.theta[n], true, derivative);
                si = wi * derivative[0];
                break;
            case HV_FILL: {
                double ci = wi * FusedKernel.secondDerivative(p.log, label(p, y, local), dot + p.theta[n]);
                if (p.curvature != null) p.curvature[(int) bound] = ci;
                si = ci * (dotV + p.v[n]);
                break;
            }
            case HV_CACHED:
                si = p.curvature[(int) bound] * (dot + p.v[n]);
                break;
            default:
                throw new IllegalStateException("op " + p.op);
        }
        sums[INTERCEPT] += si;
        if (p.rowOut != null) p.rowOut[(int) (bound - p.rowOutBase)] = si;
        return si;
    }

    private static double label(Pass p, FloatBuffer y, int local) {
        float v = y.get(local);
        if (p.positiveClass < 0) return v;
        return v == p.positiveClass ? 1.0 : 0.0;
    }
}
