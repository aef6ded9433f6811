#!/usr/bin/env python3
"""Golden values for MulticlassMetricsTest, from scikit-learn.

Run: /usr/bin/python3 multiclass_golden.py > multiclass-golden.json   (needs numpy and scikit-learn; seeded, deterministic)

Each case holds its inputs (probabilities row-major n x K, true class indices, optional weights) and what
scikit-learn gives for them: log_loss(labels=range(K)), accuracy_score, precision/recall/f1 per class and
macro/micro/weighted (labels=None: the union of y_true and y_pred, zero_division=0), confusion_matrix(labels=range(K)),
and the one-vs-rest ROC AUC per class (roc_auc_score of the binarized column), with their macro mean, which equals
roc_auc_score(multi_class='ovr', average='macro') where every class is present. Where a class has no row (or every
row), scikit-learn refuses its ROC AUC; the case then records null for it and the mean over the classes where it is
defined, which is how logreg reports it.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, confusion_matrix, log_loss, precision_recall_fscore_support,
                             roc_auc_score)


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def case(name, p, y, w, k):
    p = np.asarray(p, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    # Weights as float32 values (what a Dataset holds), so that both sides weigh exactly the same numbers.
    wa = None if w is None else np.asarray(w, dtype=np.float32).astype(np.float64)
    pred = p.argmax(axis=1)
    out = {"name": name, "classes": k, "probabilities": p.ravel().tolist(), "labels": y.tolist(),
           "weights": None if w is None else wa.tolist()}
    out["logLoss"] = float(log_loss(y, p, labels=list(range(k)), sample_weight=wa))
    out["accuracy"] = float(accuracy_score(y, pred, sample_weight=wa))
    for avg in ("macro", "micro", "weighted"):
        pr, rc, f1, _ = precision_recall_fscore_support(y, pred, average=avg, sample_weight=wa, zero_division=0)
        out[avg] = {"precision": float(pr), "recall": float(rc), "f1": float(f1)}
    pr, rc, f1, sup = precision_recall_fscore_support(y, pred, labels=list(range(k)), average=None, sample_weight=wa,
                                                      zero_division=0)
    out["perClass"] = {"precision": pr.tolist(), "recall": rc.tolist(), "f1": f1.tolist(),
                       "support": [float(s) for s in sup]}
    out["confusion"] = confusion_matrix(y, pred, labels=list(range(k)), sample_weight=wa).astype(float).tolist()
    aucs = []
    for c in range(k):
        t = (y == c).astype(int)
        keep = np.ones(len(y), bool) if wa is None else wa > 0
        if t[keep].min() == t[keep].max():
            aucs.append(None)
        else:
            aucs.append(float(roc_auc_score(t, p[:, c], sample_weight=wa)))
    out["rocAuc"] = aucs
    defined = [a for a in aucs if a is not None]
    out["macroRocAuc"] = float(np.mean(defined))
    if len(defined) == k:
        ovr = roc_auc_score(y, p, multi_class="ovr", average="macro", sample_weight=wa, labels=list(range(k)))
        assert abs(ovr - out["macroRocAuc"]) < 1e-12, (name, ovr, out["macroRocAuc"])
    return out


def main():
    rng = np.random.default_rng(20261202)
    cases = []
    # Small, hand-checkable: 3 classes, 9 rows, one mistake per class.
    p = [[0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.2, 0.5, 0.3],
         [0.1, 0.8, 0.1], [0.3, 0.4, 0.3], [0.5, 0.2, 0.3],
         [0.1, 0.2, 0.7], [0.2, 0.2, 0.6], [0.1, 0.6, 0.3]]
    y = [0, 0, 0, 1, 1, 1, 2, 2, 2]
    cases.append(case("small", p, y, None, 3))
    cases.append(case("small-weighted", p, y, [1, 2, 0.5, 1, 3, 1, 0, 2, 1.5], 3))
    # Class 2 is never predicted.
    p2 = [[0.6, 0.3, 0.1], [0.3, 0.6, 0.1], [0.4, 0.35, 0.25], [0.2, 0.45, 0.35], [0.5, 0.1, 0.4], [0.7, 0.2, 0.1]]
    cases.append(case("never-predicted", p2, [0, 1, 2, 2, 0, 1], None, 3))
    # Four classes, class 3 has no row and is never predicted; class 2 has a row and is never predicted.
    p3 = softmax(rng.normal(size=(12, 4)) + np.array([1.0, 1.0, 0.0, -3.0]))
    p3[:, 2] *= 0.1
    p3 = p3 / p3.sum(axis=1, keepdims=True)
    y3 = [0, 1, 0, 1, 2, 0, 1, 1, 0, 2, 1, 0]
    cases.append(case("absent-class", p3, y3, None, 4))
    cases.append(case("absent-class-weighted", p3, y3, rng.uniform(0.2, 3.0, size=12).round(3).tolist(), 4))
    # Random, 5 classes, 300 rows, probabilities on a coarse grid (ties within and across classes), random weights.
    z = rng.normal(size=(300, 5)) * 1.5
    y5 = np.array([rng.choice(5, p=row) for row in softmax(z)])
    g = np.round(softmax(z) * 20) / 20 + 1e-3
    g = g / g.sum(axis=1, keepdims=True)
    cases.append(case("random-ties", g, y5, None, 5))
    cases.append(case("random-ties-weighted", g, y5, rng.uniform(0, 2, size=300).round(2).tolist(), 5))
    z = rng.normal(size=(400, 7)) * 2
    y7 = np.array([rng.choice(7, p=row) for row in softmax(z)])
    cases.append(case("random-7", softmax(z), y7, None, 7))
    json.dump({"generator": "multiclass_golden.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
               "cases": cases}, sys.stdout, indent=1)
    sys.stdout.write("\n")


main()
