"""What `logreg train --penalty l2 --lambda LAMBDA` does, in NumPy and scikit-learn: load the rows, fit L2 logistic
regression with lbfgs (C = 1/lambda: the same minimizer as logreg's (1/m) sum loss + (lambda/2m)||w||^2, free
intercept; tol 1e-8 is logreg's default gradient test on the same mean objective), compute the training metrics logreg
prints (log loss, accuracy, F1, ROC AUC) and write the coefficients as JSON. Prints each phase's time.
Usage: end_to_end_sklearn.py (X.npy y.npy | data.csv) LAMBDA OUT.json"""
import json
import sys
import time

t_start = time.perf_counter()
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score  # noqa: E402


def main():
    args = sys.argv[1:]
    t0 = time.perf_counter()
    if args[0].endswith(".npy"):
        x, y = np.load(args[0]), np.load(args[1])
        args = args[2:]
    else:
        xy = np.loadtxt(args[0], delimiter=",", skiprows=1, dtype=np.float32)
        x, y = xy[:, :-1], xy[:, -1]
        args = args[1:]
    lam, out = float(args[0]), args[1]
    t1 = time.perf_counter()
    model = LogisticRegression(C=1.0 / lam, solver="lbfgs", tol=1e-8, max_iter=1000)
    model.fit(x, y)
    t2 = time.perf_counter()
    p = model.predict_proba(x)[:, 1]
    pred = (p >= 0.5).astype(np.float32)
    m = dict(logloss=log_loss(y, p), accuracy=accuracy_score(y, pred), f1=f1_score(y, pred), auc=roc_auc_score(y, p))
    t3 = time.perf_counter()
    with open(out, "w") as f:
        json.dump({"coefficients": model.coef_[0].tolist(), "intercept": float(model.intercept_[0])}, f)
    t4 = time.perf_counter()
    print(f"python: numpy {np.__version__}, scikit-learn {sklearn.__version__}; rows {x.shape[0]} x {x.shape[1]}, "
          f"{int(model.n_iter_[0])} lbfgs iterations")
    print(f"python: imports {t0 - t_start:.2f} s, load {t1 - t0:.2f} s, fit {t2 - t1:.2f} s, metrics {t3 - t2:.2f} s, "
          f"write {t4 - t3:.2f} s")
    print("python: training log loss %.6f, accuracy %.4f, F1 %.4f, ROC AUC %.4f" % (m["logloss"], m["accuracy"], m["f1"], m["auc"]))


if __name__ == "__main__":
    main()
