package dev.logreg.testing;

import dev.logreg.data.Dataset;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Seeded synthetic classification data for tests, reproducible bit for bit on every JVM: the only sources of
 * randomness are {@link SplittableRandom#nextDouble()} (specified exactly) and {@link StrictMath}, and the Gaussian
 * draws are Box–Muller written here (not {@code nextGaussian}, whose algorithm is not specified).
 *
 * <p>Labels are drawn from a logistic model P(y = 1 | x) = σ(β·z + b₀) with β ~ N(0, 1.5²/cols) on the unscaled
 * features z, so the classes overlap and the data are not separable.
 *
 * <p>Checksum (committed in {@code SyntheticDataTest}): SHA-256 over the float32 features (row-major) followed by
 * the float32 labels, little-endian, of {@code hard(100_000, 50, 20240601L)} is
 * {@code 2f99d0d685092802420351cf2e67147042235736ac5506c581623e30ac6aaf6d}.
 */
public final class SyntheticData {
    private SyntheticData() {}

    /**
     * Badly conditioned data: AR(1)-correlated standard Gaussian features, zⱼ = ρ zⱼ₋₁ + √(1−ρ²) εⱼ with ρ = 0.9,
     * column j multiplied by 10^U(−3, 3) (so raw scales span six decades), logistic labels.
     *
     * @param rows at least 1
     * @param cols at least 1
     */
    public static Dataset hard(int rows, int cols, long seed) {
        return generate(rows, cols, seed, 0.9, true);
    }

    /** Well conditioned data: i.i.d. N(0, 1) features, logistic labels. */
    public static Dataset isotropic(int rows, int cols, long seed) {
        return generate(rows, cols, seed, 0.0, false);
    }

    private static Dataset generate(int rows, int cols, long seed, double rho, boolean scaled) {
        if (rows < 1 || cols < 1) throw new IllegalArgumentException("shape is " + rows + " x " + cols + ", expected at least 1 x 1");
        SplittableRandom rng = new SplittableRandom(seed);
        double[] scale = new double[cols];
        double[] beta = new double[cols];
        for (int j = 0; j < cols; j++) {
            scale[j] = scaled ? StrictMath.pow(10.0, -3.0 + 6.0 * rng.nextDouble()) : 1.0;
            beta[j] = gaussian(rng) * 1.5 / StrictMath.sqrt(cols);
        }
        double b0 = 0.25;
        double innovation = StrictMath.sqrt(1.0 - rho * rho);
        float[] x = new float[Math.multiplyExact(rows, cols)];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            double z = 0;
            double eta = b0;
            for (int j = 0; j < cols; j++) {
                z = j == 0 ? gaussian(rng) : rho * z + innovation * gaussian(rng);
                eta += beta[j] * z;
                x[i * cols + j] = (float) (scale[j] * z);
            }
            double p = eta >= 0 ? 1.0 / (1.0 + StrictMath.exp(-eta)) : StrictMath.exp(eta) / (1.0 + StrictMath.exp(eta));
            y[i] = rng.nextDouble() < p ? 1f : 0f;
        }
        return Dataset.wrap(x, cols, y, null);
    }

    /** One standard normal draw by Box–Muller (one of the pair; simple, and the stream stays easy to reason about). */
    private static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble(); // in (0, 1]: log is finite
        double u2 = rng.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }

    /** SHA-256 (hex) of the float32 features (row-major) then the float32 labels, little-endian. */
    public static String sha256(Dataset data) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            int n = data.cols();
            ByteBuffer buf = ByteBuffer.allocate(4 * Math.max(n, 1)).order(ByteOrder.LITTLE_ENDIAN);
            float[] row = new float[n];
            for (long r = 0; r < data.rows(); r++) {
                data.copyRow(r, row);
                buf.clear();
                buf.asFloatBuffer().put(row);
                md.update(buf.array(), 0, 4 * n);
            }
            ByteBuffer lb = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            for (long r = 0; r < data.rows(); r++) {
                lb.clear();
                lb.putFloat(0, data.label(r));
                md.update(lb.array(), 0, 4);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
