package dev.logreg.optim;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proximal Newton step: q(d) = g·d + ½dᵀHd + Σcᵢ|xᵢ + dᵢ| minimized to its optimality conditions, checked here
 * from scratch (Hd recomputed, the conditions written out), with exact zeros where the conditions hold strictly.
 */
class L1QuadraticSubproblemTest {

    /** A random problem: H = AᵀA/k + ridge·I, with {@code collinear} pairs of nearly equal columns of A. */
    private record Problem(int n, double[] h, double[] g, double[] x, double[] c) {
    }

    private static Problem problem(long seed, int n, int collinear, double ridge, double l1) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int k = 3 * n;
        double[][] a = new double[k][n];
        for (int r = 0; r < k; r++) {
            for (int j = 0; j < n; j++) a[r][j] = rnd.nextGaussian();
            // Column 2i+1 is column 2i plus a little noise: radius / perimeter / area in the bundled data.
            for (int i = 0; i < collinear && 2 * i + 1 < n; i++) a[r][2 * i + 1] = a[r][2 * i] + 1e-3 * rnd.nextGaussian();
        }
        double[] h = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int r = 0; r < k; r++) s += a[r][i] * a[r][j];
                h[i * n + j] = s / k + (i == j ? ridge : 0.0);
            }
        }
        double[] g = new double[n];
        double[] x = new double[n];
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = rnd.nextGaussian();
            x[i] = i % 3 == 0 ? 0.0 : rnd.nextGaussian();
            c[i] = i == n - 1 ? 0.0 : l1 * (0.5 + rnd.nextDouble()); // the last plays the unpenalized intercept
        }
        return new Problem(n, h, g, x, c);
    }

    private static double q(Problem p, double[] d) {
        int n = p.n();
        double v = 0;
        for (int i = 0; i < n; i++) {
            double hd = 0;
            for (int j = 0; j < n; j++) hd += p.h()[i * n + j] * d[j];
            v += p.g()[i] * d[i] + 0.5 * d[i] * hd + p.c()[i] * Math.abs(p.x()[i] + d[i]);
        }
        return v;
    }

    /** Largest violation of q's optimality conditions at d, Hd recomputed here; zeros must be exact. */
    private static double kktViolation(Problem p, double[] d) {
        int n = p.n();
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double r = p.g()[i];
            for (int j = 0; j < n; j++) r += p.h()[i * n + j] * d[j];
            double v = p.x()[i] + d[i];
            double ci = p.c()[i];
            double e = ci == 0 || v != 0 ? Math.abs(r + ci * Math.signum(v)) : Math.max(0, Math.abs(r) - ci);
            assertTrue(Double.isFinite(e), "coordinate " + i + ": violation " + e);
            worst = Math.max(worst, e);
        }
        return worst;
    }

    @Test
    void reachesTheOptimalityConditionsWithExactZeros() {
        int zeros = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Problem p = problem(seed, 12, (int) (seed % 4), 1e-3, 0.3);
            double[] d = new double[p.n()];
            L1QuadraticSubproblem s = new L1QuadraticSubproblem(p.n());
            double reported = s.solve(p.h(), p.g(), p.x(), p.c(), 1e-11, 100_000, d);
            double kkt = kktViolation(p, d);
            assertTrue(kkt <= 1e-9, "seed " + seed + ": optimality violated by " + kkt + " (solver reported " + reported + ")");
            // kktViolation holds a coordinate off zero to |rᵢ + cᵢsᵢ| ≈ 0: one that should be zero must be exactly zero.
            for (int i = 0; i < p.n(); i++) if (p.x()[i] + d[i] == 0) zeros++;
            // Convexity: no random nearby point does better.
            SplittableRandom rnd = new SplittableRandom(seed * 31);
            double best = q(p, d);
            for (int t = 0; t < 200; t++) {
                double[] e = d.clone();
                for (int i = 0; i < e.length; i++) e[i] += 1e-3 * rnd.nextGaussian();
                assertTrue(q(p, e) >= best - 1e-12, "seed " + seed + ": a perturbed step has q " + q(p, e) + " < " + best);
            }
        }
        assertTrue(zeros >= 20, "only " + zeros + " exact zeros over 20 problems: the L1 part is not exercised");
    }

    @Test
    void nearlyCollinearColumnsAreSolvedByTheExactStepNotThousandsOfSweeps() {
        Problem p = problem(7, 30, 6, 1e-5, 0.05);
        double[] d = new double[p.n()];
        L1QuadraticSubproblem s = new L1QuadraticSubproblem(p.n());
        s.solve(p.h(), p.g(), p.x(), p.c(), 1e-9, 100_000, d);
        double kkt = kktViolation(p, d);
        System.out.println("collinear: " + s.sweeps() + " sweeps, violation " + kkt);
        assertTrue(kkt <= 1e-8, "optimality violated by " + kkt + " after " + s.sweeps() + " sweeps");
        assertTrue(s.sweeps() <= 256, "took " + s.sweeps() + " coordinate-descent sweeps");
    }

    @Test
    void withoutL1ItSolvesTheNewtonSystem() {
        Problem p = problem(3, 10, 2, 1e-2, 0.0);
        double[] d = new double[p.n()];
        new L1QuadraticSubproblem(p.n()).solve(p.h(), p.g(), p.x(), p.c(), 1e-12, 100_000, d);
        assertTrue(kktViolation(p, d) <= 1e-10, "‖g + Hd‖∞ = " + kktViolation(p, d));
    }

    @Test
    void oneSweepAlreadyLowersTheModelAndRepeatsBitForBit() {
        Problem p = problem(11, 16, 3, 1e-4, 0.2);
        double[] zero = new double[p.n()];
        double[] d = new double[p.n()];
        L1QuadraticSubproblem s = new L1QuadraticSubproblem(p.n());
        s.solve(p.h(), p.g(), p.x(), p.c(), 0.0, 1, d);
        assertEquals(1, s.sweeps());
        assertTrue(q(p, d) < q(p, zero), "one sweep: q " + q(p, d) + " not below q(0) " + q(p, zero));

        double[] first = new double[p.n()];
        double[] second = new double[p.n()];
        s.solve(p.h(), p.g(), p.x(), p.c(), 1e-12, 100_000, first);
        new L1QuadraticSubproblem(p.n()).solve(p.h(), p.g(), p.x(), p.c(), 1e-12, 100_000, second);
        assertArrayEquals(first, second, 0.0);
    }
}
