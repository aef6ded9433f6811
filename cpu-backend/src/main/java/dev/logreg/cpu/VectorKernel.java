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
 * <p>Loaded only where the JVM was started with {@code --add-modules jdk.incubator.vector}
 * ({@link Nd4jSupport#vectorApiAvailable()}, which must be asked before this class is touched: loading it
 * without the module fails); elsewhere the scalar {@link FusedKernel} runs. Each row's dot product is the sum of its
 * lane accumulators added in lane order (not {@code reduceLanes}, whose order is unspecified), then the columns
 * past the last full vector in column order, so results are bit-identical run after run; they differ in the last
 * bits from the scalar kernel's, whose sums run in plain column order. Stateless.
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
                           double[] theta, double b, boolean gradient, double[] acc, float[] tile, double[] z) {
        int tileRows = tile.length / n;
        int nv = n - n % L;
        double[] lanes = new double[L];
        double value = 0;
        double weights = 0;
        double gb = 0;
        double[] rv = new double[1];
        for (int r = lo; r < hi; r += tileRows) {
            int k = Math.min(tileRows, hi - r);
            x.get(r * n, tile, 0, k * n);
            // One row at a time; rows are independent, so out-of-order execution overlaps their FMA chains.
            for (int i = 0; i < k; i++) {
                int o = i * n;
                DoubleVector s = DoubleVector.zero(D);
                int j = 0;
                for (; j < nv; j += L) {
                    DoubleVector xv = (DoubleVector) FloatVector.fromArray(F, tile, o + j).convertShape(VectorOperators.F2D, D, 0);
                    s = xv.fma(DoubleVector.fromArray(D, theta, j), s);
                }
                s.intoArray(lanes, 0);
                double zi = 0;
                for (int l = 0; l < L; l++) zi += lanes[l];  // lane order: deterministic, unlike reduceLanes
                for (; j < n; j++) zi += theta[j] * tile[o + j];
                z[i] = zi;
            }
            for (int i = 0; i < k; i++) {
                int row = r + i;
                double wi = w == null ? 1.0 : w.get(row);
                value += wi * FusedKernel.pointwise(log, y.get(row), z[i] + b, gradient, rv);
                weights += wi;
                z[i] = wi * rv[0];  // z now holds r = w·dℓ/dz
            }
            if (gradient) {
                for (int i = 0; i < k; i++) {
                    double ri = z[i];
                    int o = i * n;
                    DoubleVector rb = DoubleVector.broadcast(D, ri);
                    int j = 0;
                    for (; j < nv; j += L) {
                        DoubleVector xv = (DoubleVector) FloatVector.fromArray(F, tile, o + j).convertShape(VectorOperators.F2D, D, 0);
                        xv.fma(rb, DoubleVector.fromArray(D, acc, j)).intoArray(acc, j);
                    }
                    for (; j < n; j++) acc[j] += ri * tile[o + j];
                    gb += ri;
                }
            }
        }
        acc[n] += gb;
        acc[n + 1] += value;
        acc[n + 2] += weights;
    }
}
