"""The sparse benchmark's data as a user's files, and scikit-learn's side of the end-to-end run.

  sparse_end_to_end.py write DIR          writes DIR/X.npz (scipy.sparse.save_npz of the CSR matrix, uncompressed,
                                          float32) and DIR/y.npy from the arrays sparse_data.py wrote (once)
  sparse_end_to_end.py fit DIR LAMBDA     the user's script: load X.npz and y.npy, fit LogisticRegression(C = 1/LAMBDA,
                                          fit_intercept=False, solver=liblinear, its default tol), print J and times
J = (1/m) sum logloss + (lambda/2m) ||w||^2 without intercept, logreg's objective with --no-intercept; scikit-learn's
C sum loss + ||w||^2 / 2 is m/lambda times it. liblinear (-s 0) would penalise an intercept, so neither side fits one.
"""
import os
import resource
import sys
import time

import numpy as np
import scipy.sparse


def write(d):
    if os.path.exists(f"{d}/X.npz") and os.path.exists(f"{d}/y.npy") and os.path.exists(f"{d}/X.npz.done"):
        print(f"{d}/X.npz already written")
        return
    t = time.perf_counter()
    indptr = np.load(f"{d}/indptr.npy")
    indices = np.load(f"{d}/indices.npy")
    data = np.load(f"{d}/data.npy")
    cols = int(open(f"{d}/meta.txt").read().split("\n")[1].split()[3])
    x = scipy.sparse.csr_matrix((data, indices, indptr), shape=(indptr.size - 1, cols))
    scipy.sparse.save_npz(f"{d}/X.npz", x, compressed=False)
    open(f"{d}/X.npz.done", "w").close()
    print(f"wrote {d}/X.npz ({os.path.getsize(f'{d}/X.npz') / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")


def fit(d, lam):
    from sklearn.linear_model import LogisticRegression
    t0 = time.perf_counter()
    x = scipy.sparse.load_npz(f"{d}/X.npz")
    y = np.load(f"{d}/y.npy")
    t1 = time.perf_counter()
    model = LogisticRegression(C=1.0 / lam, solver="liblinear", fit_intercept=False)
    model.fit(x, y)
    t2 = time.perf_counter()
    w = model.coef_.ravel()
    s = 2.0 * y - 1.0
    j = np.logaddexp(0.0, -s * (x @ w)).mean() + lam / (2 * y.size) * np.dot(w, w)
    print(f"python: load {t1 - t0:.2f} s, liblinear fit (default tol) {t2 - t1:.2f} s, J = {j!r}, "
          f"peak resident {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} KB")


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        fit(sys.argv[2], float(sys.argv[3]))
