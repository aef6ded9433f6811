/*
 * math_test.cu - host test of the per-row math in logreg_math.cuh (the same __host__ __device__ functions the
 * kernels call), against references computed in long double (x87 80-bit: 64-bit significand, exponent range to
 * 1e4932, so e^10000 and e^-745 are representable and no reference needs the stable forms under test).
 *
 * Checks (relative error in units of DBL_EPSILON = 2.2e-16; "ulps" below):
 *   sigma(z)                 z in [-700, 700]                          <= 8 ulps
 *   log loss l(y, z)         y in {0, 1}, z in [-1e4, 1e4]             <= 8 ulps, and finite
 *   dl/dz (log loss)         y in {0, 1}, z in [-700, 700]             <= 8 ulps
 *   squared error, dl/dz     y in {0, 1}, z in [-700, 700]             <= 16 ulps (absolute floor 1e-300)
 *   l'(z) vs central difference of l in double, z in [-30, 30]: |diff| <= 1e-6 |l'| + 8 eps |l| / (2h)
 *   (h = cbrt(eps) max(1, |z|), the second term the rounding of the quotient itself)
 *   lr_loss_and_derivative bit-identical to the separate functions
 *   d2l/dz2 (lr_second_derivative), y in {0, 1}, z in [-700, 700]: log loss <= 8 ulps; squared error within
 *   16 ulps of the sum of its two terms' magnitudes (s^2 + |(sigma - y) s (q - p)|: the terms cancel where it changes sign)
 *   softmax (softmax_math.cuh), K in {2, 3, 10, 16}, logits spread over [-S, S] for S in {1, 30, 700, 1e4}, every y:
 *     loss within 16 ulps of max(|l|, 1) (log s has an absolute error of an ulp of s >= 1), p_c - [c = y] within
 *     32 (1 + |z_c - z_max|) ulps relative for c != y (floor DBL_MIN; the rounding of the argument z_c - z_max, an
 *     ulp of it, is an error of that many ulps in its exp), within 32 ulps of 1 for c = y; lr_softmax_loss bit-identical to
 *     the loss of lr_softmax_loss_and_derivative
 * Values below DBL_MIN (2.2e-308) count with an absolute floor of DBL_MIN: they underflow in double.
 * Exit status 0 when every check passes, 1 otherwise; one line per check on stdout.
 * Launch shape: none (host program). Deterministic: yes (a fixed grid of z values).
 */
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include "../../main/cuda/logreg_math.cuh"
#include "../../main/cuda/softmax_math.cuh"

typedef long double ld;
#define LR_SOFTMAX_SMALL_K_TEST 16

static ld ref_sigmoid(ld z) { return 1.0L / (1.0L + expl(-z)); }
static ld ref_log_loss(ld y, ld z) {
    // -[y log sigma + (1-y) log(1-sigma)] = y log(1+e^-z) + (1-y) log(1+e^z), exact in long double for |z| <= 1e4.
    return y * log1pl(expl(-z)) + (1.0L - y) * log1pl(expl(z));
}
static ld ref_residual(ld y, ld z) { return y == 1.0L ? -ref_sigmoid(-z) : ref_sigmoid(z) - y; }
static ld ref_mse(ld y, ld z) { ld d = ref_residual(y, z); return 0.5L * d * d; }
static ld ref_mse_derivative(ld y, ld z) { return ref_residual(y, z) * ref_sigmoid(z) * ref_sigmoid(-z); }
static ld ref_second(int loss, ld y, ld z, ld *magnitude) {
    ld p = ref_sigmoid(z), q = ref_sigmoid(-z), s = p * q;
    if (loss == LOGREG_LOSS_LOG) { *magnitude = s; return s; }
    ld t = ref_residual(y, z) * s * (q - p);
    *magnitude = s * s + fabsl(t);
    return s * s + t;
}

static int failures = 0;

/* Relative error in ulps with an absolute floor; NaN or infinity counts as a failure (error = infinity). */
static double rel_ulps(double got, ld want, ld floor) {
    if (!std::isfinite(got)) return INFINITY;
    ld den = fabsl(want) > floor ? fabsl(want) : floor;
    return (double)(fabsl((ld)got - want) / den / (ld)DBL_EPSILON);
}

struct Worst {
    const char *name;
    double limit;
    double err = 0;
    double atZ = 0, atY = 0, got = 0;
    long double want = 0;
    long count = 0;
    void see(double e, double y, double z, double g, ld w) {
        count++;
        if (!(e <= err)) { err = e; atZ = z; atY = y; got = g; want = w; }
    }
    void report() {
        bool ok = err <= limit;
        if (!ok) failures++;
        printf("%s %-42s max error %.3g (limit %.3g) over %ld points; worst at y=%g z=%.17g: got %.17g want %.17Lg\n",
               ok ? "PASS" : "FAIL", name, err, limit, count, atY, atZ, got, want);
    }
};

int main() {
    Worst sig{"sigma(z), |z| <= 700 [ulps]", 8};
    Worst loss{"log loss, |z| <= 1e4 [ulps]", 8};
    Worst dlog{"log loss dl/dz, |z| <= 700 [ulps]", 8};
    Worst mse{"squared error, |z| <= 700 [ulps]", 16};
    Worst dmse{"squared error dl/dz, |z| <= 700 [ulps]", 16};
    Worst fd{"dl/dz vs central difference, |z| <= 30 [bound]", 1};
    Worst combo{"lr_loss_and_derivative == parts [ulps]", 0};
    Worst d2log{"log loss d2l/dz2, |z| <= 700 [ulps]", 8};
    Worst d2mse{"squared error d2l/dz2, |z| <= 700 [ulps of its terms]", 16};

    const int steps = 200001;
    for (int i = 0; i < steps; i++) {
        // Non-uniform grid: dense near 0, reaching +-700 exactly at the ends.
        double t = -1.0 + 2.0 * i / (steps - 1);
        double z = 700.0 * t * fabs(t);
        if (i == 0) z = -700.0;
        if (i == steps - 1) z = 700.0;
        sig.see(rel_ulps(lr_sigmoid(z), ref_sigmoid(z), DBL_MIN), 0, z, lr_sigmoid(z), ref_sigmoid(z));
        for (int yi = 0; yi <= 1; yi++) {
            double y = yi;
            dlog.see(rel_ulps(lr_residual(y, z), ref_residual(y, z), DBL_MIN), y, z, lr_residual(y, z), ref_residual(y, z));
            mse.see(rel_ulps(lr_mse_loss(y, z), ref_mse(y, z), 1e-300L), y, z, lr_mse_loss(y, z), ref_mse(y, z));
            dmse.see(rel_ulps(lr_mse_derivative(y, z), ref_mse_derivative(y, z), 1e-300L), y, z,
                     lr_mse_derivative(y, z), ref_mse_derivative(y, z));
            for (int kind = 0; kind <= 1; kind++) {
                // Error relative to the magnitude of the terms (for the log loss, the value itself).
                ld mag;
                ld want2 = ref_second(kind, y, z, &mag);
                double got2 = lr_second_derivative(kind, y, z);
                (kind == LOGREG_LOSS_LOG ? d2log : d2mse).see(rel_ulps(got2, want2, DBL_MIN) * (double)(fabsl(want2) / (mag > (ld)DBL_MIN ? mag : (ld)DBL_MIN)),
                                                             y, z, got2, want2);
                double v;
                double d = lr_loss_and_derivative(kind, y, z, &v);
                double dv = kind == LOGREG_LOSS_MSE ? lr_mse_loss(y, z) : lr_log_loss(y, z);
                double dd = kind == LOGREG_LOSS_MSE ? lr_mse_derivative(y, z) : lr_residual(y, z);
                bool same = (v == dv) && (d == dd);
                combo.see(same ? 0.0 : INFINITY, y, z, v, dv);
                if (lr_loss(kind, y, z) != dv) combo.see(INFINITY, y, z, lr_loss(kind, y, z), dv);
            }
        }
    }
    const int lsteps = 400001;
    for (int i = 0; i < lsteps; i++) {
        double t = -1.0 + 2.0 * i / (lsteps - 1);
        double z = 1e4 * t * t * t;
        if (i == 0) z = -1e4;
        if (i == lsteps - 1) z = 1e4;
        for (int yi = 0; yi <= 1; yi++) {
            double y = yi;
            loss.see(rel_ulps(lr_log_loss(y, z), ref_log_loss(y, z), DBL_MIN), y, z, lr_log_loss(y, z), ref_log_loss(y, z));
        }
    }
    for (int i = 0; i <= 6000; i++) {
        double z = -30.0 + i * 0.01;
        for (int yi = 0; yi <= 1; yi++) {
            double y = yi;
            for (int kind = 0; kind <= 1; kind++) {
                double h = cbrt(DBL_EPSILON) * fmax(1.0, fabs(z));
                volatile double zp = z + h, zm = z - h;  // representable step
                double hh = (double)zp - (double)zm;
                double num = (lr_loss(kind, y, zp) - lr_loss(kind, y, zm)) / hh;
                double v;
                double an = lr_loss_and_derivative(kind, y, z, &v);
                // Bound on the difference quotient's own error: 1e-6 relative, plus the rounding of two loss
                // values divided by 2h (the quotient cannot be more accurate than that).
                double lv = fmax(fabs(lr_loss(kind, y, zp)), fabs(lr_loss(kind, y, zm)));
                double bound = 1e-6 * fabs(an) + 8.0 * DBL_EPSILON * lv / hh;
                fd.see(fabs(num - an) / bound, y, z, num, an);
            }
        }
    }
    sig.report();
    loss.report();
    dlog.report();
    mse.report();
    dmse.report();
    fd.report();
    combo.report();
    d2log.report();
    d2mse.report();
    {
        Worst sl{"softmax loss [ulps of max(|l|, 1)]", 16};
        Worst sd{"softmax p_c, c != y [ulps / (1 + |z_c - z_max|)]", 32};
        Worst sdy{"softmax p_y - 1 [ulps of 1]", 32};
        long mismatched = 0;
        unsigned long long state = 88172645463325252ULL;
        for (int k : {2, 3, 10, 16}) {
            for (double spread : {1.0, 30.0, 700.0, 1e4}) {
                for (int trial = 0; trial < 200; trial++) {
                    double z[LR_SOFTMAX_SMALL_K_TEST] = {0};
                    for (int c = 0; c < k; c++) {
                        state ^= state << 13; state ^= state >> 7; state ^= state << 17;
                        z[c] = spread * (2.0 * (double)(state >> 11) / 9007199254740992.0 - 1.0);
                    }
                    for (int y = 0; y < k; y++) {
                        ld m = z[0];
                        for (int c = 1; c < k; c++) m = fmaxl(m, (ld)z[c]);
                        ld e = 0;
                        for (int c = 0; c < k; c++) e += expl((ld)z[c] - m);
                        const ld want = (m - z[y]) + logl(e);
                        double d[LR_SOFTMAX_SMALL_K_TEST];
                        for (int c = 0; c < LR_SOFTMAX_SMALL_K_TEST; c++) d[c] = z[c];
                        const double got = lr_softmax_loss_and_derivative<LR_SOFTMAX_SMALL_K_TEST>(k, y, d);
                        const double alone = lr_softmax_loss<LR_SOFTMAX_SMALL_K_TEST>(k, y, z);
                        if (std::memcmp(&got, &alone, sizeof got) != 0) mismatched++;
                        sl.see(rel_ulps(got, want, 1.0L), y, z[0], got, want);
                        for (int c = 0; c < k; c++) {
                            const ld pc = expl((ld)z[c] - m) / e;
                            if (c == y) sdy.see(rel_ulps(d[c], pc - 1.0L, 1.0L), y, z[c], d[c], pc - 1.0L);
                            else sd.see(rel_ulps(d[c], pc, (ld)DBL_MIN) / (1.0 + fabs(z[c] - (double)m)), y, z[c], d[c], pc);
                        }
                    }
                }
            }
        }
        sl.report();
        sd.report();
        sdy.report();
        if (mismatched) failures++;
        printf("%s lr_softmax_loss bit-identical to lr_softmax_loss_and_derivative's loss (%ld mismatches)\n",
               mismatched ? "FAIL" : "PASS", mismatched);
    }
    // Spot checks of the tails, printed for the record.
    printf("INFO sigma(-700) = %.17g, sigma(700) = %.17g, l(1, -1e4) = %.17g, l(0, 1e4) = %.17g\n",
           lr_sigmoid(-700.0), lr_sigmoid(700.0), lr_log_loss(1.0, -1e4), lr_log_loss(0.0, 1e4));
    printf("%s: %d check(s) failed\n", failures ? "FAILED" : "OK", failures);
    return failures ? 1 : 0;
}
