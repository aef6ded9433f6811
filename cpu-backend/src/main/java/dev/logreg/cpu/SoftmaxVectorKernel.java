package dev.logreg.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;


/**
 * The fused multinomial pass of {@link SoftmaxKernel} in SIMD through the incubating Vector API: each tile of rows is
 * widened to float64 once (exact, L floats at a time), then, four rows at a time, the rows' logits, their losses and
 * residuals, and the gradient update.
 *
 * <p>Classes go four at a time (then two, then one): each load of four rows' L widened floats serves the FMAs of
 * four classes, sixteen accumulators in registers for the logits, and sixteen broadcast residuals for the gradient,
 * where one class at a time loaded the rows again for every class (five loads a four FMAs: the pass was bound by its
 * loads). The order of every sum is the one-class-at-a-time order all the same: a logit is its lane accumulators
 * added in a fixed tree order ({@link VectorKernel#sumLanes}; not {@code reduceLanes}, whose order is unspecified),
 * then the columns past the last full vector in column order, then + b_c; a gradient entry adds the four rows in row
 * order. The four rows' 4K exponentials of the shifted logits are taken L at a time by
 * {@link VectorMath#expNonPositive} (the rest by its scalar lane, {@link LogisticMath#expNonPositive}), not
 * {@code Math.exp} one by one (about a third of the pass at K = 10). Otherwise a row's loss and residuals are
 * {@link SoftmaxKernel#row}'s operations; the rows past the last group of four in a tile are that method's own.
 * Results are bit-identical run after run and whatever the threads, and equal to the scalar kernel's to rounding.
 *
 * <p>Each step is its own small method, as in {@link VectorKernel}, so that the JIT compiles them early and whole.
 * Loaded only where the JVM has {@code jdk.incubator.vector} ({@link Nd4jSupport#vectorApiAvailable()} must be asked
 * first). Stateless.
 */
final class SoftmaxVectorKernel {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();

    private SoftmaxVectorKernel() {}

    /** Length of the lane scratch {@link #accumulate} needs: four rows of four classes of L lanes. */
    static int lanesLength() {
        return 16 * L;
    }

    /**
     * As {@link SoftmaxKernel#accumulate}, same layout of {@code acc}.
     *
     * @param wide  scratch of at least {@code tile.length} doubles (the tile widened to float64)
     * @param lanes scratch of {@link #lanesLength()} doubles
     */
    static void accumulate(ChunkFloats x, ChunkFloats y, ChunkFloats w, int n, int k, int lo, int hi,
                           double[] params, boolean gradient, double[] acc, float[] tile, double[] z, double[] wide, double[] lanes) {
        int tileRows = tile.length / n;
        int stride = n + 1;
        double value = 0;
        double weights = 0;
        int[] y4 = new int[4];
        double[] w4 = new double[4];
        double[] loss4 = new double[4];
        for (int r = lo; r < hi; r += tileRows) {
            int rowsInTile = Math.min(tileRows, hi - r);
            x.get(r * n, tile, 0, rowsInTile * n);
            widen(tile, rowsInTile * n, wide);
            int i = 0;
            for (; i + 4 <= rowsInTile; i += 4) {
                int o0 = i * n;
                logits4(wide, o0, n, k, params, z, lanes);
                for (int q = 0; q < 4; q++) {
                    y4[q] = (int) y.get(r + i + q);
                    w4[q] = w == null ? 1.0 : w.get(r + i + q);
                }
                rows4(z, k, y4, w4, gradient, loss4);
                for (int q = 0; q < 4; q++) {
                    value += w4[q] * loss4[q];
                    weights += w4[q];
                }
                if (gradient) gradient4(wide, o0, n, k, z, acc);
            }
            for (; i < rowsInTile; i++) {
                int o = i * n;
                SoftmaxKernel.logits(tile, o, n, k, params, z, 0);
                int row = r + i;
                double wi = w == null ? 1.0 : w.get(row);
                value += wi * SoftmaxKernel.row(z, 0, k, (int) y.get(row), wi, gradient);
                weights += wi;
                if (gradient) {
                    for (int c = 0; c < k; c++) {
                        int off = c * stride;
                        double rc = z[c];
                        for (int j = 0; j < n; j++) acc[off + j] = Math.fma(rc, wide[o + j], acc[off + j]);
                        acc[off + n] += rc;
                    }
                }
            }
        }
        int len = k * stride;
        acc[len] += value;
        acc[len + 1] += weights;
    }

    /** wide[0, len) = tile[0, len) as float64 (exact). */
    private static void widen(float[] tile, int len, double[] wide) {
        int i = 0;
        for (; i + L <= len; i += L) {
            ((DoubleVector) FloatVector.fromArray(F, tile, i).convertShape(VectorOperators.F2D, D, 0)).intoArray(wide, i);
        }
        for (; i < len; i++) wide[i] = tile[i];
    }

    /** The K logits of the four rows from wide[o0] (n apart) into z[q·K + c]: classes four, then two, then one at a time. */
    private static void logits4(double[] wide, int o0, int n, int k, double[] params, double[] z, double[] lanes) {
        int c = 0;
        for (; c + 4 <= k; c += 4) dot4x4(wide, o0, n, k, params, c, z, lanes);
        if (c + 2 <= k) {
            dot4x2(wide, o0, n, k, params, c, z, lanes);
            c += 2;
        }
        if (c < k) dot4x1(wide, o0, n, k, params, c, z, lanes);
    }

    private static void dot4x4(double[] wide, int o0, int n, int k, double[] params, int c, double[] z, double[] lanes) {
        int o1 = o0 + n;
        int o2 = o1 + n;
        int o3 = o2 + n;
        int f0 = c * (n + 1);
        int f1 = f0 + n + 1;
        int f2 = f1 + n + 1;
        int f3 = f2 + n + 1;
        int nv = n - n % L;
        DoubleVector s00 = DoubleVector.zero(D), s01 = s00, s02 = s00, s03 = s00;
        DoubleVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        DoubleVector s20 = s00, s21 = s00, s22 = s00, s23 = s00;
        DoubleVector s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        for (int j = 0; j < nv; j += L) {
            DoubleVector x0 = DoubleVector.fromArray(D, wide, o0 + j);
            DoubleVector x1 = DoubleVector.fromArray(D, wide, o1 + j);
            DoubleVector x2 = DoubleVector.fromArray(D, wide, o2 + j);
            DoubleVector x3 = DoubleVector.fromArray(D, wide, o3 + j);
            DoubleVector t = DoubleVector.fromArray(D, params, f0 + j);
            s00 = x0.fma(t, s00);
            s01 = x1.fma(t, s01);
            s02 = x2.fma(t, s02);
            s03 = x3.fma(t, s03);
            t = DoubleVector.fromArray(D, params, f1 + j);
            s10 = x0.fma(t, s10);
            s11 = x1.fma(t, s11);
            s12 = x2.fma(t, s12);
            s13 = x3.fma(t, s13);
            t = DoubleVector.fromArray(D, params, f2 + j);
            s20 = x0.fma(t, s20);
            s21 = x1.fma(t, s21);
            s22 = x2.fma(t, s22);
            s23 = x3.fma(t, s23);
            t = DoubleVector.fromArray(D, params, f3 + j);
            s30 = x0.fma(t, s30);
            s31 = x1.fma(t, s31);
            s32 = x2.fma(t, s32);
            s33 = x3.fma(t, s33);
        }
        store4(s00, s01, s02, s03, lanes, 0);
        store4(s10, s11, s12, s13, lanes, 4 * L);
        store4(s20, s21, s22, s23, lanes, 8 * L);
        store4(s30, s31, s32, s33, lanes, 12 * L);
        finishLogits(wide, o0, n, k, params, c, 4, z, lanes);
    }

    private static void dot4x2(double[] wide, int o0, int n, int k, double[] params, int c, double[] z, double[] lanes) {
        int o1 = o0 + n;
        int o2 = o1 + n;
        int o3 = o2 + n;
        int f0 = c * (n + 1);
        int f1 = f0 + n + 1;
        int nv = n - n % L;
        DoubleVector s00 = DoubleVector.zero(D), s01 = s00, s02 = s00, s03 = s00;
        DoubleVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        for (int j = 0; j < nv; j += L) {
            DoubleVector x0 = DoubleVector.fromArray(D, wide, o0 + j);
            DoubleVector x1 = DoubleVector.fromArray(D, wide, o1 + j);
            DoubleVector x2 = DoubleVector.fromArray(D, wide, o2 + j);
            DoubleVector x3 = DoubleVector.fromArray(D, wide, o3 + j);
            DoubleVector t = DoubleVector.fromArray(D, params, f0 + j);
            s00 = x0.fma(t, s00);
            s01 = x1.fma(t, s01);
            s02 = x2.fma(t, s02);
            s03 = x3.fma(t, s03);
            t = DoubleVector.fromArray(D, params, f1 + j);
            s10 = x0.fma(t, s10);
            s11 = x1.fma(t, s11);
            s12 = x2.fma(t, s12);
            s13 = x3.fma(t, s13);
        }
        store4(s00, s01, s02, s03, lanes, 0);
        store4(s10, s11, s12, s13, lanes, 4 * L);
        finishLogits(wide, o0, n, k, params, c, 2, z, lanes);
    }

    private static void dot4x1(double[] wide, int o0, int n, int k, double[] params, int c, double[] z, double[] lanes) {
        int o1 = o0 + n;
        int o2 = o1 + n;
        int o3 = o2 + n;
        int f0 = c * (n + 1);
        int nv = n - n % L;
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0, s2 = s0, s3 = s0;
        for (int j = 0; j < nv; j += L) {
            DoubleVector t = DoubleVector.fromArray(D, params, f0 + j);
            s0 = DoubleVector.fromArray(D, wide, o0 + j).fma(t, s0);
            s1 = DoubleVector.fromArray(D, wide, o1 + j).fma(t, s1);
            s2 = DoubleVector.fromArray(D, wide, o2 + j).fma(t, s2);
            s3 = DoubleVector.fromArray(D, wide, o3 + j).fma(t, s3);
        }
        store4(s0, s1, s2, s3, lanes, 0);
        finishLogits(wide, o0, n, k, params, c, 1, z, lanes);
    }

    private static void store4(DoubleVector a, DoubleVector b, DoubleVector c, DoubleVector d, double[] lanes, int o) {
        a.intoArray(lanes, o);
        b.intoArray(lanes, o + L);
        c.intoArray(lanes, o + 2 * L);
        d.intoArray(lanes, o + 3 * L);
    }

    /**
     * The logits of classes [c, c + classes) for the four rows: each one's lane sums (row q of class c + g at
     * lanes[(4g + q)·L]) in the tree order, then the columns past the last full vector in column order, then + b.
     */
    private static void finishLogits(double[] wide, int o0, int n, int k, double[] params, int c, int classes, double[] z, double[] lanes) {
        int o1 = o0 + n;
        int o2 = o1 + n;
        int o3 = o2 + n;
        int nv = n - n % L;
        for (int g = 0; g < classes; g++) {
            int off = (c + g) * (n + 1);
            double z0 = VectorKernel.sumLanes(lanes, 4 * g * L);
            double z1 = VectorKernel.sumLanes(lanes, (4 * g + 1) * L);
            double z2 = VectorKernel.sumLanes(lanes, (4 * g + 2) * L);
            double z3 = VectorKernel.sumLanes(lanes, (4 * g + 3) * L);
            for (int j = nv; j < n; j++) {
                double t = params[off + j];
                z0 += t * wide[o0 + j];
                z1 += t * wide[o1 + j];
                z2 += t * wide[o2 + j];
                z3 += t * wide[o3 + j];
            }
            double b = params[off + n];
            z[c + g] = z0 + b;
            z[k + c + g] = z1 + b;
            z[2 * k + c + g] = z2 + b;
            z[3 * k + c + g] = z3 + b;
        }
    }

    /**
     * The loss of each of the four rows from their logits z[q·K + c] into loss4[q], and where asked the logits
     * replaced by the residuals w_q(p_c − [c = y_q]): {@link SoftmaxKernel#row}'s operations, but with the
     * exponentials of all 4K shifted logits L at a time.
     */
    private static void rows4(double[] z, int k, int[] y4, double[] w4, boolean gradient, double[] loss4) {
        for (int q = 0; q < 4; q++) {
            int o = q * k;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) max = Math.max(max, z[o + c]);
            // (max − z_y) ≥ 0 first: no cancellation between two large logits.
            loss4[q] = max - z[o + y4[q]];
            for (int c = 0; c < k; c++) z[o + c] -= max;
        }
        int len = 4 * k;
        int i = 0;
        for (; i + L <= len; i += L) VectorMath.expNonPositive(DoubleVector.fromArray(D, z, i)).intoArray(z, i);
        for (; i < len; i++) z[i] = LogisticMath.expNonPositive(z[i]);
        for (int q = 0; q < 4; q++) {
            int o = q * k;
            double s = 0;
            for (int c = 0; c < k; c++) s += z[o + c];
            loss4[q] += Math.log(s);
            if (gradient) {
                double wq = w4[q];
                int yq = y4[q];
                for (int c = 0; c < k; c++) {
                    double p = z[o + c] / s;
                    z[o + c] = wq * (c == yq ? p - 1.0 : p);
                }
            }
        }
    }

    /** acc[c·(n+1) + j] += Σ_q r_qc x_qj over the four rows, in row order: classes four, then two, then one at a time. */
    private static void gradient4(double[] wide, int o0, int n, int k, double[] z, double[] acc) {
        int c = 0;
        for (; c + 4 <= k; c += 4) gradient4x4(wide, o0, n, k, z, c, acc);
        if (c + 2 <= k) {
            gradient4x2(wide, o0, n, k, z, c, acc);
            c += 2;
        }
        if (c < k) gradient4x1(wide, o0, n, k, z, c, acc);
    }

    private static void gradient4x4(double[] wide, int o0, int n, int k, double[] z, int c, double[] acc) {
        int o1 = o0 + n;
        int o2 = o1 + n;
        int o3 = o2 + n;
        int f0 = c * (n + 1);
        int f1 = f0 + n + 1;
        int f2 = f1 + n + 1;
        int f3 = f2 + n + 1;
        int nv = n - n % L;
        DoubleVector r00 = DoubleVector.broadcast(D, z[c]), r01 = DoubleVector.broadcast(D, z[k + c]);
        DoubleVector r02 = DoubleVector.broadcast(D, z[2 * k + c]), r03 = DoubleVector.broadcast(D, z[3 * k + c]);
        DoubleVector r10 = DoubleVector.broadcast(D, z[c + 1]), r11 = DoubleVector.broadcast(D, z[k + c + 1]);
        DoubleVector r12 = DoubleVector.broadcast(D, z[2 * k + c + 1]), r13 = DoubleVector.broadcast(D, z[3 * k + c + 1]);
        DoubleVector r20 = DoubleVector.broadcast(D, z[c + 2]), r21 = DoubleVector.broadcast(D, z[k + c + 2]);
        DoubleVector r22 = DoubleVector.broadcast(D, z[2 * k + c + 2]), r23 = DoubleVector.broadcast(D, z[3 * k + c + 2]);
        DoubleVector r30 = DoubleVector.broadcast(D, z[c + 3]), r31 = DoubleVector.broadcast(D, z[k + c + 3]);
        DoubleVector r32 = DoubleVector.broadcast(D, z[2 * k + c + 3]), r33 = DoubleVector.broadcast(D, z[3 * k + c + 3]);
        for (int j = 0; j < nv; j += L) {
            DoubleVector x0 = DoubleVector.fromArray(D, wide, o0 + j);
            DoubleVector x1 = DoubleVector.fromArray(D, wide, o1 + j);
            DoubleVector x2 = DoubleVector.fromArray(D, wide, o2 + j);
            DoubleVector x3 = DoubleVector.fromArray(D, wide, o3 + j);
            x3.fma(r03, x2.fma(r02, x1.fma(r01, x0.fma(r00, DoubleVector.fromArray(D, acc, f0 + j))))).intoArray(acc, f0 + j);
            x3.fma(r13, x2.fma(r12, x1.fma(r11, x0.fma(r10, DoubleVector.fromArray(D, acc, f1 + j))))).intoArray(acc, f1 + j);
            x3.fma(r23, x2.fma(r22, x1.fma(r21, x0.fma(r20, DoubleVector.fromArray(D, acc, f2 + j))))).intoArray(acc, f2 + j);
            x3.fma(r33, x2.fma(r32, x1.fma(r31, x0.fma(r30, DoubleVector.fromArray(D, acc, f3 + j))))).intoArray(acc, f3 + j);
        }
        for (int g = 0; g < 4; g++) gradientTail(wide, o0, n, k, z, c + g, acc);
    }

    private static void gradient4x2(double[] wide, int o0, int n, int k, double[] z, int c, double[] acc) {
        int o1 = o0 + n;
        int o2 = o1 + n;
        int o3 = o2 + n;
        int f0 = c * (n + 1);
        int f1 = f0 + n + 1;
        int nv = n - n % L;
        DoubleVector r00 = DoubleVector.broadcast(D, z[c]), r01 = DoubleVector.broadcast(D, z[k + c]);
        DoubleVector r02 = DoubleVector.broadcast(D, z[2 * k + c]), r03 = DoubleVector.broadcast(D, z[3 * k + c]);
        DoubleVector r10 = DoubleVector.broadcast(D, z[c + 1]), r11 = DoubleVector.broadcast(D, z[k + c + 1]);
        DoubleVector r12 = DoubleVector.broadcast(D, z[2 * k + c + 1]), r13 = DoubleVector.broadcast(D, z[3 * k + c + 1]);
        for (int j = 0; j < nv; j += L) {
            DoubleVector x0 = DoubleVector.fromArray(D, wide, o0 + j);
            DoubleVector x1 = DoubleVector.fromArray(D, wide, o1 + j);
            DoubleVector x2 = DoubleVector.fromArray(D, wide, o2 + j);
            DoubleVector x3 = DoubleVector.fromArray(D, wide, o3 + j);
            x3.fma(r03, x2.fma(r02, x1.fma(r01, x0.fma(r00, DoubleVector.fromArray(D, acc, f0 + j))))).intoArray(acc, f0 + j);
            x3.fma(r13, x2.fma(r12, x1.fma(r11, x0.fma(r10, DoubleVector.fromArray(D, acc, f1 + j))))).intoArray(acc, f1 + j);
        }
        gradientTail(wide, o0, n, k, z, c, acc);
        gradientTail(wide, o0, n, k, z, c + 1, acc);
    }

    private static void gradient4x1(double[] wide, int o0, int n, int k, double[] z, int c, double[] acc) {
        int o1 = o0 + n;
        int o2 = o1 + n;
        int o3 = o2 + n;
        int f0 = c * (n + 1);
        int nv = n - n % L;
        DoubleVector r0 = DoubleVector.broadcast(D, z[c]);
        DoubleVector r1 = DoubleVector.broadcast(D, z[k + c]);
        DoubleVector r2 = DoubleVector.broadcast(D, z[2 * k + c]);
        DoubleVector r3 = DoubleVector.broadcast(D, z[3 * k + c]);
        for (int j = 0; j < nv; j += L) {
            DoubleVector x0 = DoubleVector.fromArray(D, wide, o0 + j);
            DoubleVector x1 = DoubleVector.fromArray(D, wide, o1 + j);
            DoubleVector x2 = DoubleVector.fromArray(D, wide, o2 + j);
            DoubleVector x3 = DoubleVector.fromArray(D, wide, o3 + j);
            x3.fma(r3, x2.fma(r2, x1.fma(r1, x0.fma(r0, DoubleVector.fromArray(D, acc, f0 + j))))).intoArray(acc, f0 + j);
        }
        gradientTail(wide, o0, n, k, z, c, acc);
    }

    /** Class c's gradient entries past the last full vector, and its intercept's, for the four rows in row order. */
    private static void gradientTail(double[] wide, int o0, int n, int k, double[] z, int c, double[] acc) {
        int o1 = o0 + n;
        int o2 = o1 + n;
        int o3 = o2 + n;
        int off = c * (n + 1);
        double r0 = z[c];
        double r1 = z[k + c];
        double r2 = z[2 * k + c];
        double r3 = z[3 * k + c];
        for (int j = n - n % L; j < n; j++) {
            double a = acc[off + j];
            a = Math.fma(r0, wide[o0 + j], a);
            a = Math.fma(r1, wide[o1 + j], a);
            a = Math.fma(r2, wide[o2 + j], a);
            a = Math.fma(r3, wide[o3 + j], a);
            acc[off + j] = a;
        }
        acc[off + n] += (r0 + r1) + (r2 + r3);
    }
}
