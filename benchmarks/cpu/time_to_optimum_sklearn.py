"""Issue 19, item 3: time to J <= J*(1 + 1e-6) of scikit-learn's lbfgs beside logreg's traced CPU fits, same rows.

J = (1/m) sum_i logloss_i + (lambda/2m) ||w||^2, free unpenalized intercept (logreg's objective; scikit-learn's
C sum_i loss_i + (1/2)||w||^2 with C = 1/lambda has the same minimizer). X.npy (float32) and y.npy as
end_to_end_data.py wrote them, read with np.load as end_to_end_sklearn.py does.

  - J*: Newton's method in float64 (X cast a block at a time, Hessian and gradient summed in float64) from zero to a
    gradient inf-norm <= 1e-12, then J* = min(that J, every run's final J).
  - scikit-learn lbfgs: REPS fresh fits, tol 1e-12, as end_to_end_sklearn.py calls it otherwise; scipy.optimize.minimize
    is wrapped to add a callback that only stores (time, copy of the iterate), so each iterate's J is computed after
    the fit, outside its time. Two times per fit: from the call to fit (what a user waits; scikit-learn 1.2 casts the
    float32 rows to float64 for lbfgs inside it) and from the start of the optimizer alone.
  - logreg: DIR/trace-LABEL-REP.txt written by DenseTraceBenchmark (iteration, J, seconds since Trainer.fit began, evaluations).
Each run's time to the target is that of its first iterate at or below it; the summary sets logreg's first fit in its JVM (cold)
and its later fits (warm, median) beside scikit-learn's median (goal <= 0.25). Usage: time_to_optimum_sklearn.py X.npy y.npy LAMBDA DIR REPS
"""
import glob
import os
import statistics
import sys
import time

import numpy as np
import scipy
import scipy.optimize
import sklearn
from sklearn.linear_model import LogisticRegression

BLOCK = 100_000


def objective_and_grad(x, s, w, lam, hess=False):
    """J, its gradient and (optionally) Hessian at w = [coef..., intercept], in float64, X cast a block at a time."""
    m, n = x.shape
    j = 0.0
    g = np.zeros(n + 1)
    h = np.zeros((n + 1, n + 1)) if hess else None
    for lo in range(0, m, BLOCK):
        xb = np.empty((min(BLOCK, m - lo), n + 1))
        xb[:, :n] = x[lo:lo + BLOCK]
        xb[:, n] = 1.0
        sb = s[lo:lo + BLOCK]
        t = sb * (xb @ w)
        j += np.logaddexp(0.0, -t).sum()
        sig = 0.5 * (1.0 - np.tanh(0.5 * t))  # 1 / (1 + e^t), stable
        g -= xb.T @ (sb * sig)
        if hess:
            d = sig * (1.0 - sig)
            h += xb.T @ (xb * d[:, None])
    pen = np.concatenate([w[:n], [0.0]])
    j = j / m + lam / (2 * m) * np.dot(w[:n], w[:n])
    g = g / m + lam / m * pen
    if hess:
        h = h / m
        h[np.arange(n), np.arange(n)] += lam / m
    return j, g, h


def newton(x, s, lam):
    w = np.zeros(x.shape[1] + 1)
    for it in range(50):
        j, g, h = objective_and_grad(x, s, w, lam, hess=True)
        gmax = np.abs(g).max()
        print(f"  newton {it}: J = {j!r}, |g|inf = {gmax:.3e}")
        if gmax <= 1e-12:
            return j, w
        w = w - np.linalg.solve(h, g)
    return j, w


def first_time(trace, target):
    for jj, t in trace:
        if jj <= target:
            return t
    return None


def main():
    xpath, ypath, lam, d, reps = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    x, y = np.load(xpath), np.load(ypath)
    s = 2.0 * y.astype(np.float64) - 1.0
    print(f"scikit-learn {sklearn.__version__}, scipy {scipy.__version__}, numpy {np.__version__}; X {x.dtype} {x.shape[0]} x {x.shape[1]}, "
          f"lambda {lam}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")

    t = time.perf_counter()
    j_newton, _ = newton(x, s, lam)
    print(f"float64 Newton: J = {j_newton!r} ({time.perf_counter() - t:.1f} s)")

    sk_runs = []
    original = scipy.optimize.minimize
    for rep in range(1, reps + 1):
        iterates = []
        state = {}

        def callback(xk, *args):
            iterates.append((time.perf_counter(), xk.copy()))

        def minimize(*a, **kw):
            state["opt_start"] = time.perf_counter()
            kw["callback"] = callback
            return original(*a, **kw)

        scipy.optimize.minimize = minimize
        try:
            model = LogisticRegression(C=1.0 / lam, solver="lbfgs", tol=1e-12, max_iter=1000)
            t0 = time.perf_counter()
            model.fit(x, y)
            t1 = time.perf_counter()
        finally:
            scipy.optimize.minimize = original
        trace = [(objective_and_grad(x, s, wk, lam)[0], tk) for tk, wk in iterates]
        final = objective_and_grad(x, s, np.concatenate([model.coef_.ravel(), model.intercept_]), lam)[0]
        sk_runs.append((trace, t0, state["opt_start"], final))
        print(f"scikit-learn lbfgs rep {rep}: {int(model.n_iter_[0])} iterations, fit {t1 - t0:.2f} s (optimizer from "
              f"{state['opt_start'] - t0:.2f} s), final J = {final!r}, load {os.getloadavg()[0]:.2f}")

    logreg = {}
    for path in sorted(glob.glob(f"{d}/trace-*.txt")):
        name = os.path.basename(path)[len("trace-"):-len(".txt")]
        rows = [tuple(map(float, line.split())) for line in open(path) if line.strip()]
        logreg[name] = [(r[1], r[2]) for r in rows]

    jstar = min([j_newton] + [r[3] for r in sk_runs] + [tr[-1][0] for tr in logreg.values() if tr])
    target = jstar * (1 + 1e-6)
    print(f"J* = {jstar!r} (Newton's J {j_newton!r}); target J*(1 + 1e-6) = {target!r}")

    sk_fit, sk_opt = [], []
    for i, (trace, t0, opt0, _) in enumerate(sk_runs, 1):
        tt = first_time([(jj, tk - t0) for jj, tk in trace], target)
        k = next((n for n, (jj, _) in enumerate(trace, 1) if jj <= target), None)
        print(f"scikit-learn lbfgs rep {i}: time to target {tt:.2f} s from fit(), {tt - (opt0 - t0):.2f} s of optimizer "
              f"(iteration {k})" if tt is not None else f"scikit-learn lbfgs rep {i}: target not reached")
        if tt is not None:
            sk_fit.append(tt)
            sk_opt.append(tt - (opt0 - t0))
    groups = {}
    for name, tr in logreg.items():
        tt = first_time(tr, target)
        k = next((n for n, (jj, _) in enumerate(tr, 1) if jj <= target), None)
        print(f"logreg {name}: time to target " + (f"{tt:.2f} s from Trainer.fit (iteration {k}; iteration 1 at {tr[0][1]:.2f} s)"
                                                    if tt is not None else "not reached"))
        label, rep = name.rsplit("-", 1)
        groups.setdefault(label, {})[int(rep)] = tt
    if not sk_fit:
        return
    # Rep 1 is each process's first fit (logreg's JVM compiles its kernels and loads ND4J during it: what one
    # `./logreg train` pays); the later reps are warm. Each is set beside scikit-learn's median over all its fits.
    f, o = statistics.median(sk_fit), statistics.median(sk_opt)
    print(f"median scikit-learn lbfgs: {f:.2f} s from fit(), {o:.2f} s of optimizer")
    for label, by_rep in sorted(groups.items()):
        for what, ts in (("first fit in its JVM", [by_rep.get(1)]), ("later fits, median", [t for r, t in by_rep.items() if r > 1])):
            ts = [t for t in ts if t is not None]
            if not ts:
                continue
            mt = statistics.median(ts)
            print(f"ratio logreg {label} ({what}) / scikit-learn lbfgs: {mt:.2f} / {f:.2f} s = {mt / f:.3f} from fit(); "
                  f"against its optimizer alone {mt:.2f} / {o:.2f} s = {mt / o:.3f} (goal <= 0.25)")


if __name__ == "__main__":
    main()
