package dev.logreg.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;


/**
 * The fused multinomial pass of {@link SoftmaxKernel} with SIMD dot products and gradient updates through the
 * incubating Vector API: each tile of rows is widened to float64 once (exact), then, four rows at a time, every class's
 * four dot products run as four FMA chains of L lanes (L = 8 with AVX-512) sharing each load of θ_c, and every class's
 * gradient slice is read and written once per four rows. The loss and residuals of a row are
 * {@link SoftmaxKernel#row}'s.
 *
 * <p>Loaded only where the JVM has {@code jdk.incubator.vector} ({@link Nd4jSupport#vectorApiAvailable()} must be
 * asked first, as for {@link VectorKernel}). A logit is its lane accumulators added in a fixed tree order (not
 * {@code reduceLanes}, whose order is unspecified), then the columns past the last full vector in column order, then
 * + b_c: bit-identical run after run, equal to the scalar kernel's to rounding. Stateless.
 */
final class SoftmaxVectorKernel {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = D.length();

    private SoftmaxVectorKernel() {}

    /** Length of the lane scratch {@link #accumulate} needs: four rows of L lanes. */
    static int lanesLength() {
        return 4 * L;
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
        int nv = n - n % L;
        double value = 0;
        double weights = 0;
        for (int r = lo; r < hi; r += tileRows) {
            int rowsInTile = Math.min(tileRows, hi - r);
            x.get(r * n, tile, 0, rowsInTile * n);
            for (int i = 0; i < rowsInTile * n; i++) wide[i] = tile[i];
            int i = 0;
            for (; i + 4 <= rowsInTile; i += 4) {
                int o0 = i * n;
                int o1 = o0 + n;
                int o2 = o1 + n;
                int o3 = o2 + n;
                for (int c = 0; c < k; c++) {
                    int off = c * stride;
                    DoubleVector s0 = DoubleVector.zero(D);
                    DoubleVector s1 = s0;
                    DoubleVector s2 = s0;
                    DoubleVector s3 = s0;
                    int j = 0;
                    for (; j < nv; j += L) {
                        DoubleVector t = DoubleVector.fromArray(D, params, off + j);
                        s0 = DoubleVector.fromArray(D, wide, o0 + j).fma(t, s0);
                        s1 = DoubleVector.fromArray(D, wide, o1 + j).fma(t, s1);
                        s2 = DoubleVector.fromArray(D, wide, o2 + j).fma(t, s2);
                        s3 = DoubleVector.fromArray(D, wide, o3 + j).fma(t, s3);
                    }
                    s0.intoArray(lanes, 0);
                    s1.intoArray(lanes, L);
                    s2.intoArray(lanes, 2 * L);
                    s3.intoArray(lanes, 3 * L);
                    double z0 = VectorKernel.sumLanes(lanes, 0);
                    double z1 = VectorKernel.sumLanes(lanes, L);
                    double z2 = VectorKernel.sumLanes(lanes, 2 * L);
                    double z3 = VectorKernel.sumLanes(lanes, 3 * L);
                    for (; j < n; j++) {
                        double t = params[off + j];
                        z0 += t * wide[o0 + j];
                        z1 += t * wide[o1 + j];
                        z2 += t * wide[o2 + j];
                        z3 += t * wide[o3 + j];
                    }
                    double b = params[off + n];
                    z[c] = z0 + b;
                    z[k + c] = z1 + b;
                    z[2 * k + c] = z2 + b;
                    z[3 * k + c] = z3 + b;
                }
                for (int q = 0; q < 4; q++) {
                    int row = r + i + q;
                    double wq = w == null ? 1.0 : w.get(row);
                    value += wq * SoftmaxKernel.row(z, q * k, k, (int) y.get(row), wq, gradient);
                    weights += wq;
                }
                if (gradient) {
                    for (int c = 0; c < k; c++) {
                        int off = c * stride;
                        double r0 = z[c];
                        double r1 = z[k + c];
                        double r2 = z[2 * k + c];
                        double r3 = z[3 * k + c];
                        DoubleVector b0 = DoubleVector.broadcast(D, r0);
                        DoubleVector b1 = DoubleVector.broadcast(D, r1);
                        DoubleVector b2 = DoubleVector.broadcast(D, r2);
                        DoubleVector b3 = DoubleVector.broadcast(D, r3);
                        int j = 0;
                        for (; j < nv; j += L) {
                            DoubleVector a = DoubleVector.fromArray(D, acc, off + j);
                            a = DoubleVector.fromArray(D, wide, o0 + j).fma(b0, a);
                            a = DoubleVector.fromArray(D, wide, o1 + j).fma(b1, a);
                            a = DoubleVector.fromArray(D, wide, o2 + j).fma(b2, a);
                            a = DoubleVector.fromArray(D, wide, o3 + j).fma(b3, a);
                            a.intoArray(acc, off + j);
                        }
                        for (; j < n; j++) {
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
}
