"""scikit-learn's lbfgs multinomial on the bytes MultinomialBenchmark wrote, timed to J <= J*(1 + 1e-6).

J = (1/m) sum_i loss_i + (lambda/2m) ||W||^2 with free intercepts; scikit-learn minimizes
C sum_i loss_i + (1/2) ||W||^2 (sklearn 1.2: sample weights normalized by their sum, l2_reg_strength = 1/(C m)),
the same minimizer with C = 1/lambda. X is given as float64 (sklearn then computes in float64, as logreg's sums do).

The iterates come from a callback added to scipy.optimize.minimize, which sklearn calls: at each iterate the callback
evaluates J (float64, numpy) and stops the fit once J <= target; the callback's own time is subtracted from the
wall time, so the figure is sklearn's solver alone. Usage: multinomial_sklearn.py DIR ROWS COLS CLASSES LAMBDA
(DIR holding x.f32, y.f32 and logreg.txt from MultinomialBenchmark).
"""
import sys
import time

import numpy as np
import scipy
import scipy.optimize
import sklearn
from sklearn.linear_model import LogisticRegression


class Reached(Exception):
    pass


def main():
    d, rows, cols, k, lam = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    info = dict(line.split() for line in open(f"{d}/logreg.txt"))
    jstar, logreg_seconds = float(info["jstar"]), float(info["seconds"])
    target = jstar * (1 + 1e-6)
    x = np.fromfile(f"{d}/x.f32", dtype="<f4").reshape(rows, cols).astype(np.float64)
    y = np.fromfile(f"{d}/y.f32", dtype="<f4").astype(np.int64)
    rows_idx = np.arange(rows)

    def objective(flat):
        w = flat.reshape((k, -1), order="F")  # sklearn's layout: (K, n + 1), intercept last, raveled in F order
        z = x @ w[:, :cols].T + w[:, cols]
        mx = z.max(axis=1)
        lse = mx + np.log(np.exp(z - mx[:, None]).sum(axis=1))
        return (lse - z[rows_idx, y]).mean() + lam / (2 * rows) * np.sum(w[:, :cols] ** 2)

    state = {"spent": 0.0, "iterations": 0, "j": None}

    def callback(xk, *args):
        t = time.perf_counter()
        state["iterations"] += 1
        state["j"] = objective(xk)
        state["spent"] += time.perf_counter() - t
        if state["j"] <= target:
            raise Reached()

    original = scipy.optimize.minimize

    def minimize(*a, **kw):
        kw["callback"] = callback
        return original(*a, **kw)

    scipy.optimize.minimize = minimize
    print(f"scikit-learn {sklearn.__version__}, scipy {scipy.__version__}, numpy {np.__version__}")
    model = LogisticRegression(C=1.0 / lam, solver="lbfgs", tol=1e-12, max_iter=20000)
    t0 = time.perf_counter()
    try:
        model.fit(x, y)
        reached = False
    except Reached:
        reached = True
    wall = time.perf_counter() - t0
    seconds = wall - state["spent"]
    if not reached:
        print(f"scikit-learn lbfgs multinomial: stopped after {state['iterations']} iterations at J = {state['j']!r} "
              f"= J*(1 + {state['j'] / jstar - 1:.2e}) without reaching J*(1 + 1e-6); {seconds:.2f} s")
        sys.exit(1)
    print(f"scikit-learn lbfgs multinomial time to J <= J*(1 + 1e-6): {seconds:.2f} s (iteration {state['iterations']}; "
          f"{wall:.2f} s wall less {state['spent']:.2f} s in the objective checks); J = J*(1 + {state['j'] / jstar - 1:.2e})")
    print(f"ratio logreg / scikit-learn: {logreg_seconds:.2f} s / {seconds:.2f} s = {logreg_seconds / seconds:.3f} (goal <= 0.5)")


if __name__ == "__main__":
    main()
