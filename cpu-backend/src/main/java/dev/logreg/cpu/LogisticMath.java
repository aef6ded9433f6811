package dev.logreg.cpu;

/**
 * The per-row math of the SIMD kernel in scalar form: e^x for x ≤ 0 and log(u) for u in [1, 2] from plain IEEE
 * operations (+, −, ×, ÷, fused multiply-add and exponent bits), and the logistic pointwise of
 * {@link FusedKernel#pointwise} built on them, without a branch on the data.
 *
 * <p>Why by hand: {@link VectorMath} evaluates exactly these operations in SIMD lanes, and this class is its lane,
 * bit for bit (used for the rows past the last full vector). The JDK's own vector {@code EXP} and {@code LOG} cannot
 * serve: C2 compiles them to Intel's SVML while the interpreter and C1 compute {@code Math.exp} per lane, so the
 * same call gives different bits before and after the JIT, and a fit would not repeat its bits run after run. Plain
 * arithmetic rounds the same way in every tier, on every x86 or ARM machine.
 *
 * <p>Accuracy (checked by {@code LogisticMathTest} against {@code Math.exp}, {@code Math.log} and
 * {@code Math.log1p}): e^x within 2 ulp (a degree-13 Taylor polynomial on |r| ≤ ln2/2 after the Cody–Waite
 * reduction x = k·ln2 + r, then two exact power-of-two scalings, so that results down to the subnormals are
 * right); log(u) within 1 ulp (fdlibm's {@code __ieee754_log}: u = 2^k(1 + f), s = f/(2 + f), a degree-14 polynomial
 * in s, the published coefficients Lg1..Lg7).
 */
final class LogisticMath {
    private LogisticMath() {}

    static final double LOG2E = 1.4426950408889634;
    /** ln 2 split so that k·LN2_HI is exact for |k| < 2^11 (fdlibm's ln2_hi, ln2_lo). */
    static final double LN2_HI = 6.93147180369123816490e-01;
    static final double LN2_LO = 1.90821492927058770002e-10;
    /** 1.5·2^52: adding it rounds a double of magnitude below 2^51 to an integer held in the low mantissa bits. */
    static final double ROUNDER = 0x1.8p52;
    static final long ROUNDER_BITS = Double.doubleToRawLongBits(ROUNDER);
    /** Below this e^x is under half the smallest subnormal: the scaled result rounds to 0, as Math.exp's does. */
    static final double EXP_FLOOR = -746.0;
    /** 1/k! for k = 2..13 (1/1! = 1 is the last Horner step). */
    static final double[] TAYLOR = {
        1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320, 1.0 / 362880, 1.0 / 3628800,
        1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0,
    };
    static final double SQRT2 = 1.4142135623730951;
    /** fdlibm's log coefficients. */
    static final double LG1 = 6.666666666666735130e-01;
    static final double LG2 = 3.999999999940941908e-01;
    static final double LG3 = 2.857142874366239149e-01;
    static final double LG4 = 2.222219843214978396e-01;
    static final double LG5 = 1.818357216161805012e-01;
    static final double LG6 = 1.531383769920937332e-01;
    static final double LG7 = 1.479819860511658591e-01;

    /** e^x for x ≤ 0 (x = −0 and 0 give exactly 1; x ≤ −746 gives 0). */
    static double expNonPositive(double x) {
        double a = Math.max(x, EXP_FLOOR);
        double t = a * LOG2E + ROUNDER;
        double kd = t - ROUNDER;
        long k = Double.doubleToRawLongBits(t) - ROUNDER_BITS;
        double r = Math.fma(kd, -LN2_HI, a);
        r = Math.fma(kd, -LN2_LO, r);
        double p = TAYLOR[11];
        for (int i = 10; i >= 0; i--) p = Math.fma(p, r, TAYLOR[i]);
        p = Math.fma(p, r, 1.0);
        double poly = Math.fma(p, r, 1.0);
        long k1 = k >> 1;
        long k2 = k - k1;
        return poly * Double.longBitsToDouble((k1 + 1023) << 52) * Double.longBitsToDouble((k2 + 1023) << 52);
    }

    /** log(u) for u in [1, 2]. */
    static double logOneToTwo(double u) {
        boolean upper = u > SQRT2;
        double f = (upper ? u * 0.5 : u) - 1.0;  // exact (Sterbenz)
        double dk = upper ? 1.0 : 0.0;
        double s = f / (2.0 + f);
        double z = s * s;
        double w = z * z;
        double t1 = w * (LG2 + w * (LG4 + w * LG6));
        double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
        double rr = t2 + t1;
        double hfsq = 0.5 * f * f;
        return dk * LN2_HI - ((hfsq - (s * (hfsq + rr) + dk * LN2_LO)) - f);
    }

    /**
     * ℓ(y, z) returned and w·dℓ/dz written into {@code r[at]}, as {@link FusedKernel#pointwise} but with the
     * exponential and logarithm above (so within a few ulp of it, not bit for bit).
     */
    static double pointwise(boolean log, double y, double z, double w, double[] r, int at) {
        double e = expNonPositive(-Math.abs(z));
        double u = 1.0 + e;
        double big = 1.0 / u;
        double small = e / u;
        boolean nonNegative = z >= 0;
        double p = nonNegative ? big : small;
        double q = nonNegative ? small : big;
        double d = y == 1.0 ? -q : p - y;
        if (log) {
            r[at] = w * d;
            return Math.max(z, 0.0) - y * z + (logOneToTwo(u) - ((u - 1.0) - e) * big);
        }
        r[at] = w * (d * p * q);
        return 0.5 * d * d;
    }
}
