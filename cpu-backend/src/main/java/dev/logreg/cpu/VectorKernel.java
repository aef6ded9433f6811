package dev.logreg.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;


/**
 * The fused pass of {@link FusedKernel} in SIMD through the incubating Vector API ({@code jdk.incubator.vector}),
 * a tile of rows at a time: the tile's logits z = θ·x + b (L floats of a row widened to L doubles, L = 8 with
 * AVX-512, 4 with AVX2, fused-multiply-added into L float64 lane accumulators), then the loss and derivative of L
 * rows at once ({@link VectorMath}, one row a lane), then the gradient update r·x.
 *
 * <p>Rows go four at a time through the dot products (they share each load of θ and run as four independent FMA
 * chains) and the gradient update (which reads and writes each gradient entry once per four rows). Each row's dot
 * product is the sum of its lane accumulators in a fixed tree order (not {@code reduceLanes}, whose order is
 * unspecified), then the columns past the last full vector in column order; the gradient adds rows in row order
 * within each group of four; the value, weight and intercept sums run in row order. Results are therefore
 * bit-identical run after run and whatever the threads; they differ in the last bits from the scalar kernel's
 * (whose sums run in plain column order and whose pointwise uses {@code Math.exp} and {@code Math.log}).
 *
 * <p>Each step is its own small method: the JIT compiles small methods early and whole, where one large loop nest
 * was compiled on-stack, then thrown away at each path it had not yet seen (the value-only pass, the last rows),
 * several times in a fresh JVM. Loaded only where the JVM was started with {@code --add-modules
 * jdk.incubator.vector} ({@link Nd4jSupport#vectorApiAvailable()}, which must be asked before this class is touched:
 * loading it without the module fails); elsewhere the scalar {@link FusedKernel} runs. Stateless.
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

    /**
     * Rows per tile for n features: about 4 KiB of floats as {@link FusedKernel#tileRows}, but a multiple of 8 (so
     * of L and of the four-row groups) and at least 8, so that the pointwise step works on full vectors.
     */
    static int tileRows(int n) {
        int r = Math.max(8, (1024 / n) & ~7);
        return Math.min(r, 256);
    }

    /**
     * As {@link FusedKernel#accumulate}, same layout of {@code acc}; {@code tile} of at least {@link #tileRows}·n
     * floats.
     */
    static void accumulate(boolean log, ChunkFloats x, ChunkFloats y, ChunkFloats w, int n, int lo, int hi,
                           double[] theta, double b, boolean gradient, double[] acc, float[] tile) {
        int tileRows = tile.length / n;
        Scratch s = new Scratch(tileRows);
        for (int r = lo; r < hi; r += tileRows) {
            int k = Math.min(tileRows, hi - r);
            x.get(r * n, tile, 0, k * n);
            logits(tile, k, n, theta, b, s.z, s.lanes);
            labels(y, w, r, k, s.y, s.w);
            pointwise(log, k, s);
            sums(k, gradient, s);
            if (gradient) addGradient(tile, k, n, s.r, acc);
        }
        acc[n] += s.gb;
        acc[n + 1] += s.value;
        acc[n + 2] += s.weights;
    }

    /** One caller's per-tile arrays and running sums. */
    private static final class Scratch {
        final double[] z;
        final double[] y;
        final double[] w;
        final double[] loss;
        final double[] r;
        final double[] lanes = new double[4 * L];
        double value;
        double weights;
        double gb;

        Scratch(int tileRows) {
            z = new double[tileRows];
            y = new double[tileRows];
            w = new double[tileRows];
            loss = new double[tileRows];
            r = new double[tileRows];
        }
    }

    /** z[i] = θ·x_i + b for the k rows of the tile. */
    private static void logits(float[] tile, int k, int n, double[] theta, double b, double[] z, double[] lanes) {
        int i = 0;
        for (; i + 4 <= k; i += 4) dot4(tile, i * n, n, theta, b, z, i, lanes);
        for (; i < k; i++) z[i] = dot1(tile, i * n, n, theta, lanes) + b;
    }

    private static void dot4(float[] tile, int o0, int n, double[] theta, double b, double[] z, int at, double[] lanes) {
        int o1 = o0 + n;
        int o2 = o1 + n;
        int o3 = o2 + n;
        int nv = n - n % L;
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
        z[at] = z0 + b;
        z[at + 1] = z1 + b;
        z[at + 2] = z2 + b;
        z[at + 3] = z3 + b;
    }

    private static double dot1(float[] tile, int o, int n, double[] theta, double[] lanes) {
        int nv = n - n % L;
        DoubleVector s = DoubleVector.zero(D);
        int j = 0;
        for (; j < nv; j += L) s = widen(tile, o + j).fma(DoubleVector.fromArray(D, theta, j), s);
        s.intoArray(lanes, 0);
        double z = sumLanes(lanes, 0);
        for (; j < n; j++) z += theta[j] * tile[o + j];
        return z;
    }

    /** The tile's labels and weights (1 where unweighted) as doubles, for the vector pointwise. */
    private static void labels(ChunkFloats y, ChunkFloats w, int r, int k, double[] ys, double[] ws) {
        for (int i = 0; i < k; i++) ys[i] = y.get(r + i);
        if (w == null) {
            for (int i = 0; i < k; i++) ws[i] = 1.0;
        } else {
            for (int i = 0; i < k; i++) ws[i] = w.get(r + i);
        }
    }

    /** Losses and weighted derivatives of the tile's k rows: full vectors, then the scalar lane for the rest. */
    private static void pointwise(boolean log, int k, Scratch s) {
        int i = 0;
        for (; i + L <= k; i += L) VectorMath.pointwise(D, log, s.z, s.y, s.w, i, s.loss, s.r);
        for (; i < k; i++) s.loss[i] = LogisticMath.pointwise(log, s.y[i], s.z[i], s.w[i], s.r, i);
    }

    /** Σ w·ℓ, Σ w and Σ r over the tile, in row order. */
    private static void sums(int k, boolean gradient, Scratch s) {
        double value = s.value;
        double weights = s.weights;
        for (int i = 0; i < k; i++) {
            value += s.w[i] * s.loss[i];
            weights += s.w[i];
        }
        s.value = value;
        s.weights = weights;
        if (gradient) {
            double gb = s.gb;
            for (int i = 0; i < k; i++) gb += s.r[i];
            s.gb = gb;
        }
    }

    /** acc[j] += Σ r_i x_ij over the tile's rows, four rows at a time in row order. */
    private static void addGradient(float[] tile, int k, int n, double[] r, double[] acc) {
        int i = 0;
        for (; i + 4 <= k; i += 4) addGradient4(tile, i * n, n, r[i], r[i + 1], r[i + 2], r[i + 3], acc);
        for (; i < k; i++) addGradient1(tile, i * n, n, r[i], acc);
    }

    private static void addGradient4(float[] tile, int o0, int n, double r0, double r1, double r2, double r3, double[] acc) {
        int o1 = o0 + n;
        int o2 = o1 + n;
        int o3 = o2 + n;
        int nv = n - n % L;
        DoubleVector b0 = DoubleVector.broadcast(D, r0);
        DoubleVector b1 = DoubleVector.broadcast(D, r1);
        DoubleVector b2 = DoubleVector.broadcast(D, r2);
        DoubleVector b3 = DoubleVector.broadcast(D, r3);
        int j = 0;
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
    }

    private static void addGradient1(float[] tile, int o, int n, double ri, double[] acc) {
        int nv = n - n % L;
        DoubleVector rb = DoubleVector.broadcast(D, ri);
        int j = 0;
        for (; j < nv; j += L) widen(tile, o + j).fma(rb, DoubleVector.fromArray(D, acc, j)).intoArray(acc, j);
        for (; j < n; j++) acc[j] = Math.fma(ri, tile[o + j], acc[j]);
    }

    /** L floats of {@code tile} from {@code offset}, widened to float64 (exact). */
    private static DoubleVector widen(float[] tile, int offset) {
        return (DoubleVector) FloatVector.fromArray(F, tile, offset).convertShape(VectorOperators.F2D, D, 0);
    }

    /**
     * Σ lanes[o, o+L) in a fixed pairwise order (deterministic; a shallower chain than lane order). Shared with
     * {@link SoftmaxVectorKernel}, whose species is the same.
     */
    static double sumLanes(double[] lanes, int o) {
        if (L == 8) {
            return ((lanes[o] + lanes[o + 1]) + (lanes[o + 2] + lanes[o + 3]))
                    + ((lanes[o + 4] + lanes[o + 5]) + (lanes[o + 6] + lanes[o + 7]));
        }
        double s = 0;
        for (int l = 0; l < L; l++) s += lanes[o + l];
        return s;
    }
}
