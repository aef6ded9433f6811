package dev.logreg.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.nio.FloatBuffer;

/**
 * The fused pass of {@link FusedKernel} with SIMD dot products and gradient updates through the incubating Vector
 * API ({@code jdk.incubator.vector}): L floats of a row are widened to L doubles (L = 8 with AVX-512, 4 with AVX2)
 * and fused-multiply-added into L float64 lane accumulators.
 *
 * <p>Rows go four at a time: their four dot products share each load of θ and run as four independent FMA chains
 * (one chain alone waits on the FMA latency), and the gradient update reads and writes each gradient entry once
 * per four rows. The pointwise part is {@link FusedKernel#logPointwise}, one {@code Math.exp} and one
 * {@code Math.log} per row (both JIT intrinsics).
 *
 * <p>Loaded only where the JVM was started with {@code --add-modules jdk.incubator.vector}
 * ({@link Nd4jSupport#vectorApiAvailable()}, which must be asked before this class is touched: loading it
 * without the module fails); elsewhere the scalar {@link FusedKernel} runs. Each row's dot product is the sum of its
 * lane accumulators added in a fixed tree order (not {@code reduceLanes}, whose order is unspecified), then the
 * columns past the last full vector in column order; the gradient adds rows in row order within each group of
 * four. Results are therefore bit-identical run after run; they differ in the last bits from the scalar kernel's,
 * whose sums run in plain column order. Stateless.
 */
final class VectorKernel {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();

    private VectorKernel() {}

    /** Lanes per float64 vector (8 with AVX-512, 4 with AVX2). */
    static int lanes() {
        return L;
    }

    /** As {@link FusedKernel#accumulate}, same layout of {@code acc}; {@code tile} as {@link FusedKernel#tileRows}. */
    static void accumulate(boolean log, FloatBuffer x, FloatBuffer y, FloatBuffer w, int n, int lo, int hi,
                           double[] theta, double b, boolean gradient, double[] acc, float[] tile) {
        int tileRows = tile.length / n;
        int nv = n - n % L;
        double[] lanes = new double[4 * L];
        double value = 0;
        double weights = 0;
        double gb = 0;
        double[] rv = new double[1];
        for (int r = lo; r < hi; r += tileRows) {
            int k = Math.min(tileRows, hi - r);
            x.get(r * n, tile, 0, k * n);
            int i = 0;
            for (; i + 4 <= k; i += 4) {
                int o0 = i * n;
                int o1 = o0 + n;
                int o2 = o1 + n;
                int o3 = o2 + n;
                DoubleVector s0 = DoubleVector.zero(D);
                DoubleVector s1 = s0;
                DoubleVector s2 = s0;
                DoubleVector s3 = s0;
                int j = 0;
                for (; j < nv; j += L) {
                    DoubleVector t = DoubleVector.fromArray(D, theta, j);
                    s0 = widen(tile, o0 + j).fma(t, s0);
                    s1 = widen(tile, o1 + j).fma(t, s1);
                    s2 = widen(tile, o2 + j).fma(t, s2);
                    s3 = widen(tile, o3 + j).fma(t, s3);
                }
                s0.intoArray(lanes, 0);
                s1.intoArray(lanes, L);
                s2.intoArray(lanes, 2 * L);
                s3.intoArray(lanes, 3 * L);
                double z0 = sumLanes(lanes, 0);
                double z1 = sumLanes(lanes, L);
                double z2 = sumLanes(lanes, 2 * L);
                double z3 = sumLanes(lanes, 3 * L);
                for (; j < n; j++) {
                    double t = theta[j];
                    z0 += t * tile[o0 + j];
                    z1 += t * tile[o1 + j];
                    z2 += t * tile[o2 + j];
                    z3 += t * tile[o3 + j];
                }
                int row = r + i;
                double w0 = w == null ? 1.0 : w.get(row);
                double w1 = w == null ? 1.0 : w.get(row + 1);
                double w2 = w == null ? 1.0 : w.get(row + 2);
                double w3 = w == null ? 1.0 : w.get(row + 3);
                value += w0 * FusedKernel.pointwise(log, y.get(row), z0 + b, gradient, rv);
                double r0 = w0 * rv[0];
                value += w1 * FusedKernel.pointwise(log, y.get(row + 1), z1 + b, gradient, rv);
                double r1 = w1 * rv[0];
                value += w2 * FusedKernel.pointwise(log, y.get(row + 2), z2 + b, gradient, rv);
                double r2 = w2 * rv[0];
                value += w3 * FusedKernel.pointwise(log, y.get(row + 3), z3 + b, gradient, rv);
                double r3 = w3 * rv[0];
                weights += w0;
                weights += w1;
                weights += w2;
                weights += w3;
                if (gradient) {
                    DoubleVector b0 = DoubleVector.broadcast(D, r0);
                    DoubleVector b1 = DoubleVector.broadcast(D, r1);
                    DoubleVector b2 = DoubleVector.broadcast(D, r2);
                    DoubleVector b3 = DoubleVector.broadcast(D, r3);
                    j = 0;
                    for (; j < nv; j += L) {
                        DoubleVector a = DoubleVector.fromArray(D, acc, j);
                        a = widen(tile, o0 + j).fma(b0, a);
                        a = widen(tile, o1 + j).fma(b1, a);
                        a = widen(tile, o2 + j).fma(b2, a);
                        a = widen(tile, o3 + j).fma(b3, a);
                        a.intoArray(acc, j);
                    }
                    for (; j < n; j++) {
                        double a = acc[j];
                        a = Math.fma(r0, tile[o0 + j], a);
                        a = Math.fma(r1, tile[o1 + j], a);
                        a = Math.fma(r2, tile[o2 + j], a);
                        a = Math.fma(r3, tile[o3 + j], a);
                        acc[j] = a;
                    }
                    gb += r0;
                    gb += r1;
                    gb += r2;
                    gb += r3;
                }
            }
            for (; i < k; i++) {
                int o = i * n;
                DoubleVector s = DoubleVector.zero(D);
                int j = 0;
                for (; j < nv; j += L) s = widen(tile, o + j).fma(DoubleVector.fromArray(D, theta, j), s);
                s.intoArray(lanes, 0);
                double zi = sumLanes(lanes, 0);
                for (; j < n; j++) zi += theta[j] * tile[o + j];
                int row = r + i;
                double wi = w == null ? 1.0 : w.get(row);
                value += wi * FusedKernel.pointwise(log, y.get(row), zi + b, gradient, rv);
                weights += wi;
                if (gradient) {
                    double ri = wi * rv[0];
                    DoubleVector rb = DoubleVector.broadcast(D, ri);
                    j = 0;
                    for (; j < nv; j += L) widen(tile, o + j).fma(rb, DoubleVector.fromArray(D, acc, j)).intoArray(acc, j);
                    for (; j < n; j++) acc[j] = Math.fma(ri, tile[o + j], acc[j]);
                    gb += ri;
                }
            }
        }
        acc[n] += gb;
        acc[n + 1] += value;
        acc[n + 2] += weights;
    }

    /** L floats of {@code tile} from {@code offset}, widened to float64 (exact). */
    private static DoubleVector widen(float[] tile, int offset) {
        return (DoubleVector) FloatVector.fromArray(F, tile, offset).convertShape(VectorOperators.F2D, D, 0);
    }

    /** Σ lanes[o, o+L) in a fixed pairwise order (deterministic; a shallower chain than lane order). */
    private static double sumLanes(double[] lanes, int o) {
        if (L == 8) {
            return ((lanes[o] + lanes[o + 1]) + (lanes[o + 2] + lanes[o + 3]))
                    + ((lanes[o + 4] + lanes[o + 5]) + (lanes[o + 6] + lanes[o + 7]));
        }
        double s = 0;
        for (int l = 0; l < L; l++) s += lanes[o + l];
        return s;
    }
}
