#!/usr/bin/python3
"""Writes the sparse test data of SparseCliTest: one seeded matrix, 120 rows x 5,000 columns, about 12 nonzeros a
row, as a SciPy .npz (compressed) with its labels in a .npy, and as the same rows in LIBSVM text (1-based indices,
values written as the float64 repr of each float32, so both files hold the same float32 values).
Run with Debian's python3-scipy: /usr/bin/python3 make-sparse.py
"""
import os

import numpy as np
import scipy.sparse as sp

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261202)
m, n = 120, 5000
X = sp.random(m, n, density=12 / n, format="csr", dtype=np.float32, random_state=rng)
X.data = np.round(X.data * 4, 3).astype(np.float32) + np.float32(0.25)
# Two informative columns: 3 (1-based 4) pushes towards class 1, 17 (1-based 18) towards class 0.
informative = X.tolil()
y = rng.integers(0, 2, size=m)
for i in range(m):
    informative[i, 3 if y[i] == 1 else 17] = np.float32(1.5)
X = informative.tocsr()
X.sort_indices()
sp.save_npz(os.path.join(here, "train.npz"), X, compressed=True)
np.save(os.path.join(here, "train-labels.npy"), y.astype(np.int64))
sp.save_npz(os.path.join(here, "train-csc.npz"), X[:5].tocsc(), compressed=True)  # refused: not CSR
with open(os.path.join(here, "train.libsvm"), "w") as f:
    for i in range(m):
        row = X.getrow(i)
        # The float32 value's exact float64 repr: parsed to float32 it is the same value again.
        f.write(str(int(y[i])) + "".join(" %d:%r" % (j + 1, float(v)) for j, v in zip(row.indices, row.data)) + "\n")
print("written", m, "x", n, "with", X.nnz, "nonzeros")
