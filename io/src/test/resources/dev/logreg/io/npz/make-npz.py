#!/usr/bin/python3
"""Writes the .npz test files of NpzDataReaderTest (and the seeds of NpzFuzzTest) into this directory.

Run with Debian's python3-scipy (SciPy 1.10, NumPy 1.24): /usr/bin/python3 make-npz.py
The matrix X is 5 x 7 with an empty row and a row holding every column; y its 0/1 labels.
"""
import io
import os
import zipfile

import numpy as np
import scipy.sparse as sp

here = os.path.dirname(os.path.abspath(__file__))
X = np.array([[0, 1.5, 0, 0, -2, 0, 0],
              [0, 0, 0, 0, 0, 0, 0],
              [3.25, 1, 2, 0.5, 4, 5, 6],
              [0, 0, 0, 0, 0, 0, 1e-3],
              [-1, 0, 0, 7, 0, 0, 0]], dtype=np.float32)
y = np.array([1, 0, 1, 0, 1], dtype=np.int64)


def path(name):
    return os.path.join(here, name)


def raw(name, compressed=False, **arrays):
    """An archive of exactly these arrays, as np.savez writes them (scipy's save_npz is np.savez of its arrays)."""
    (np.savez_compressed if compressed else np.savez)(path(name), **arrays)


csr = sp.csr_matrix(X)
sp.save_npz(path("small.npz"), csr, compressed=False)
sp.save_npz(path("small-compressed.npz"), csr, compressed=True)
np.save(path("labels.npy"), y)
np.save(path("labels-pm1.npy"), 2 * y - 1)
wide = sp.csr_matrix((X.astype(np.float64)))
wide.indptr = wide.indptr.astype(np.int64)
wide.indices = wide.indices.astype(np.int64)
sp.save_npz(path("int64-float64.npz"), wide, compressed=True)
sp.save_npz(path("csc.npz"), sp.csc_matrix(X))
sp.save_npz(path("coo.npz"), sp.coo_matrix(X))
np.savez(path("dense.npz"), x=X, y=y)
base = dict(indptr=csr.indptr, indices=csr.indices, format=b"csr", shape=np.array(X.shape), data=csr.data)
# Row 2's first two entries swapped: unsorted, as scipy can hold them (has_sorted_indices False).
idx = csr.indices.copy(); idx[[2, 3]] = idx[[3, 2]]
dat = csr.data.copy(); dat[[2, 3]] = dat[[3, 2]]
raw("unsorted.npz", **{**base, "indices": idx, "data": dat})
idx = csr.indices.copy(); idx[3] = idx[2]
raw("duplicate.npz", **{**base, "indices": idx})
idx = csr.indices.copy(); idx[0] = 7
raw("index-out-of-range.npz", **{**base, "indices": idx})
dat = csr.data.astype(np.float64); dat[4] = 1e39
raw("float64-overflow.npz", **{**base, "data": dat})
dat = csr.data.copy(); dat[1] = np.nan
raw("nan.npz", **{**base, "data": dat})
raw("unicode-format.npz", compressed=True, **{**base, "format": np.array("csr")})
raw("missing-indices.npz", **{k: v for k, v in base.items() if k != "indices"})
ptr = csr.indptr.copy(); ptr[2] = 1
raw("indptr-decreasing.npz", **{**base, "indptr": ptr})
raw("shape-mismatch.npz", **{**base, "shape": np.array([4, 7])})
with open(path("not-a-zip.npz"), "wb") as f:
    f.write(b"\x93NUMPY not a zip archive\n")
# A zip cut short: the first half of small.npz.
with open(path("small.npz"), "rb") as f:
    whole = f.read()
with open(path("truncated.npz"), "wb") as f:
    f.write(whole[: len(whole) // 2])
print("written", sorted(n for n in os.listdir(here) if n.endswith((".npz", ".npy"))))
