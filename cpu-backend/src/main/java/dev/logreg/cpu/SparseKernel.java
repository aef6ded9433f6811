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
 * reused arrays, the single read of the nonzeros from main memory; then the tile's dot products, the per-row
 * scalars, and the scatter, with the tile still in L1. A row longer than a tile is read straight from the buffers,
 * twice (dot, then scatter). Rows whose scalar is 0 (weight 0) scatter nothing, which leaves a float64 sum's bits
 * unchanged.
 *
 * <p><b>Interleaved partials.</b> What limits this loop is not the read of the nonzeros but the random accesses they
 * cause: a gather from θ and a read-modify-write of the gradient per nonzero, each a cache miss where n is large. A
 * scattering pass therefore takes, per segment, one array holding θ (or v) and the gradient side by side,
 * {@code [θ₀ g₀ θ₁ g₁ …]}: the gather and the update of a column then touch one cache line instead of two (measured
 * on 10⁷ nonzeros over 2²⁰ columns: 8 against 12.5–14.5 ns a nonzero on one core). The sums are the same, in the
 * same order; only where they are kept differs.
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
        /** cᵢ per bound row (HV_FILL writes where non-null, GRADIENT where {@link #keepCurvature}; HV_CACHED reads). */
        double[] curvature;
        /** Whether a GRADIENT pass writes cᵢ too (a pass over every row: the Newton step that follows reads them). */
        boolean keepCurvature;
        /** Where non-null: sᵢ (GRADIENT, HV_*) or zᵢ (MARGINS) of bound row i at {@code rowOut[i − rowOutBase]}. */
        double[] rowOut;
        long rowOutBase;
    }

    /**
     * Adds local rows [lo, hi) of chunk c of {@code rows}: the sums into {@code sums} (layout {@link #VALUE} ...),
     * and Σ sᵢ xᵢ, where asked, into {@code g[0, n)} or into the odd entries of {@code interleaved}.
     *
     * @param interleaved where non-null, the segment's [θ₀ g₀ θ₁ g₁ …] (v in the even entries for the Hessian-vector
     *                    ops): read for the first dot product of each row, and the target of the scatter
     * @param g           where non-null (and {@code interleaved} null), the target of the scatter, θ and v read from
     *                    the pass
     */
    static void accumulate(Pass p, CsrRows rows, int c, int lo, int hi, double[] interleaved, double[] g, double[] sums, Tile t) {
        LongBuffer off = rows.offsets[c];
        IntBuffer idx = rows.indices[c];
        FloatBuffer val = rows.values[c];
        FloatBuffer y = rows.labels[c];
        FloatBuffer w = rows.weights[c];
        long rowBase = rows.firstRow[c];
        boolean two = p.op == Op.HV_FILL;
        boolean hv = p.op == Op.HV_FILL || p.op == Op.HV_CACHED;
        // The dot product read from the interleaved array: θ·x, or v·x for the Hessian-vector ops (θ·x from p.theta).
        double[] dotArray = interleaved != null ? interleaved : hv ? p.v : p.theta;
        int shift = interleaved != null ? 1 : 0;
        double[] target = interleaved != null ? interleaved : g;
        int offset = interleaved != null ? 1 : 0;
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
                longRow(p, idx, val, (int) s0, (int) e, y, w, r, rowBase, dotArray, shift, target, offset, sums, t);
                r++;
                s0 = e;
                continue;
            }
            int count = (int) (end - s0);
            idx.get((int) s0, t.idx, 0, count);
            val.get((int) s0, t.val, 0, count);
            if (two) {
                dots(p.theta, 0, t.idx, t.val, t.start, k, t.z);
                dots(dotArray, shift, t.idx, t.val, t.start, k, t.u);
            } else {
                dots(dotArray, shift, t.idx, t.val, t.start, k, t.z);
            }
            boolean any = false;
            for (int i = 0; i < k; i++) {
                double si = row(p, y, w, r + i, rowBase, t.z[i], t.u[i], sums, t.derivative);
                t.s[i] = si;
                any |= si != 0.0;
            }
            if (target != null && any) scatter(t, k, target, shift, offset);
            r += k;
            s0 = end;
        }
    }

    /** out[i] = Σ p[idx[q] << shift]·val[q] over row i of the tile (q in [start[i], start[i+1])), in stored order. */
    static void dots(double[] p, int shift, int[] idx, float[] val, int[] start, int k, double[] out) {
        for (int i = 0; i < k; i++) {
            double z = 0;
            int e = start[i + 1];
            for (int q = start[i]; q < e; q++) z += p[idx[q] << shift] * val[q];
            out[i] = z;
        }
    }

    /** g[(idx[q] << shift) + offset] += sᵢ·val[q] over every row of the tile whose sᵢ is not 0. */
    private static void scatter(Tile t, int k, double[] g, int shift, int offset) {
        int[] idx = t.idx;
        float[] val = t.val;
        for (int i = 0; i < k; i++) {
            double si = t.s[i];
            if (si == 0.0) continue;
            int end = t.start[i + 1];
            for (int q = t.start[i]; q < end; q++) g[(idx[q] << shift) + offset] += si * val[q];
        }
    }

    /** A row longer than a tile, read from the buffers: its dot product(s), its scalar, then its scatter. */
    private static void longRow(Pass p, IntBuffer idx, FloatBuffer val, int from, int to, FloatBuffer y, FloatBuffer w, int local,
                                long rowBase, double[] dotArray, int shift, double[] target, int offset, double[] sums, Tile t) {
        double z = 0;
        double u = 0;
        if (p.op == Op.HV_FILL) {
            for (int q = from; q < to; q++) z += p.theta[idx.get(q)] * val.get(q);
            for (int q = from; q < to; q++) u += dotArray[idx.get(q) << shift] * val.get(q);
        } else {
            for (int q = from; q < to; q++) z += dotArray[idx.get(q) << shift] * val.get(q);
        }
        double si = row(p, y, w, local, rowBase, z, u, sums, t.derivative);
        if (target == null || si == 0.0) return;
        for (int q = from; q < to; q++) target[(idx.get(q) << shift) + offset] += si * val.get(q);
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
            case GRADIENT: {
                double yi = label(p, y, local);
                double zi = dot + p.theta[n];
                sums[VALUE] += wi * FusedKernel.pointwise(p.log, yi, zi, true, derivative);
                si = wi * derivative[0];
                // The same cᵢ as HV_FILL computes from the same zᵢ, so a product from these is bit for bit the same.
                if (p.keepCurvature) p.curvature[(int) bound] = wi * FusedKernel.secondDerivative(p.log, yi, zi);
                break;
            }
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
