"""scikit-learn on the sparse arrays sparse_data.py wrote, beside logreg's traces, all timed to J <= J*(1 + 1e-6).

J = (1/m) sum_i logloss_i + (lambda/2m) ||w||^2 without intercept: scikit-learn minimizes C sum_i loss_i + (1/2)||w||^2
(liblinear's objective, exactly), the same minimizer with C = 1/lambda. X is given as float64 CSR (scikit-learn
converts to it anyway; the conversion is left out of its times), built from the same index and value arrays logreg read.

  - lbfgs: one tight fit (tol 1e-12); a callback added to scipy.optimize.minimize evaluates J at every iterate (its
    own time subtracted from the wall time), so the time to the target is that of the first iterate reaching it.
  - liblinear (primal trust-region Newton, -s 0): no iterate callback, so a fit per tolerance 1e-1, 1e-2, ... 1e-7,
    each timed from scratch (1e-7 its tight run: at 100,000 rows 1e-6 ... 1e-10 all ended on the same J); its time
    to the target is that of the cheapest fit reaching it (not the loosest: under load a tighter one was faster).
J* is the least final J of every tight run (logreg's optimizers from DIR/trace-*.txt, which SparseBenchmark --mode
train wrote, and scikit-learn's). Usage: sparse_sklearn.py DIR LAMBDA
"""
import glob
import os
import resource
import sys
import time

import numpy as np
import scipy
import scipy.optimize
import scipy.sparse
import sklearn
from sklearn.linear_model import LogisticRegression


def main():
    d, lam = sys.argv[1], float(sys.argv[2])
    indptr = np.load(f"{d}/indptr.npy")
    indices = np.load(f"{d}/indices.npy")
    data = np.load(f"{d}/data.npy")
    y = np.load(f"{d}/y.npy").astype(np.int64)
    cols = int(open(f"{d}/meta.txt").read().split("\n")[1].split()[3])
    rows = y.size
    x = scipy.sparse.csr_matrix((data.astype(np.float64), indices, indptr), shape=(rows, cols))
    s = 2.0 * y - 1.0

    def objective(w):
        z = x @ w
        return np.logaddexp(0.0, -s * z).mean() + lam / (2 * rows) * np.dot(w, w)

    print(f"scikit-learn {sklearn.__version__}, scipy {scipy.__version__}, numpy {np.__version__}; "
          f"X float64 CSR {rows} x {cols}, {x.nnz} nonzeros")

    # lbfgs, one tight fit, J at every iterate.
    trace = []
    state = {"spent": 0.0, "t0": 0.0}

    def callback(xk, *args):
        t = time.perf_counter()
        j = objective(xk)
        state["spent"] += time.perf_counter() - t
        trace.append((j, time.perf_counter() - state["t0"] - state["spent"]))

    original = scipy.optimize.minimize

    def minimize(*a, **kw):
        kw["callback"] = callback
        return original(*a, **kw)

    scipy.optimize.minimize = minimize
    model = LogisticRegression(C=1.0 / lam, solver="lbfgs", fit_intercept=False, tol=1e-12, max_iter=5000)
    state["t0"] = time.perf_counter()
    model.fit(x, y)
    scipy.optimize.minimize = original
    lbfgs_final = objective(model.coef_.ravel())
    print(f"scikit-learn lbfgs (tol 1e-12): {len(trace)} iterations, {trace[-1][1]:.2f} s less the J checks; final J = {lbfgs_final!r}")

    # liblinear, one fit per tolerance.
    fits = []
    for tol in [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7]:
        m = LogisticRegression(C=1.0 / lam, solver="liblinear", fit_intercept=False, tol=tol, max_iter=10000)
        t = time.perf_counter()
        m.fit(x, y)
        seconds = time.perf_counter() - t
        fits.append((tol, objective(m.coef_.ravel()), seconds))
        print(f"scikit-learn liblinear tol {tol:g}: {seconds:.2f} s, J = {fits[-1][1]!r}")

    logreg = {}
    for path in sorted(glob.glob(f"{d}/trace-*.txt")):
        name = os.path.basename(path)[len("trace-"):-len(".txt")]
        rows_ = [tuple(map(float, line.split())) for line in open(path) if line.strip()]
        logreg[name] = [(j, t) for _, j, t in rows_]
    finals = [lbfgs_final] + [f[1] for f in fits] + [tr[-1][0] for tr in logreg.values() if tr]
    jstar = min(finals)
    target = jstar * (1 + 1e-6)
    print(f"J* = {jstar!r} (least final J of every tight run); target J*(1 + 1e-6) = {target!r}")

    def first(tr):
        for j, t in tr:
            if j <= target:
                return t
        return None

    times = {"scikit-learn lbfgs": first(trace)}
    reached = [f for f in fits if f[1] <= target]
    times["scikit-learn liblinear"] = min(f[2] for f in reached) if reached else None
    for name, tr in logreg.items():
        times[f"logreg cpu {name}"] = first(tr)
    for name, t in times.items():
        print(f"{name}: time to J <= J*(1 + 1e-6): " + (f"{t:.2f} s" if t is not None else "not reached"))
    peers = [t for n, t in times.items() if n.startswith("scikit-learn") and t is not None]
    ours = [t for n, t in times.items() if n.startswith("logreg") and t is not None]
    if peers and ours:
        print(f"ratio logreg's best / scikit-learn's best: {min(ours):.2f} s / {min(peers):.2f} s = {min(ours) / min(peers):.3f} (goal <= 0.5)")
    print(f"peak resident memory of this python process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} KB")


if __name__ == "__main__":
    main()
