"""A seeded synthetic sparse set shaped like rcv1/news20, written as raw CSR arrays for both sides of the benchmark.

ROWS x COLS, about NNZ nonzeros a row (1.42 NNZ draws, uniform in [NNZ/2, 3NNZ/2] x 1.42, less the repeats), column frequencies a power law (Zipf, exponent
1.1 over the column ranks, the ranks scattered over the column indices by a fixed permutation, as a vocabulary's
frequent terms are), values positive (tf-idf-like: lognormal) and each row scaled to unit L2 norm, as rcv1's are;
labels from a sparse linear rule with 5% of them flipped (no separation), balanced by a threshold at the median.

Writes DIR/indptr.npy (int64, ROWS+1), indices.npy (int32, sorted and unique within each row), data.npy (float32),
y.npy (float32, 0/1) and meta.txt. The Java harness (SparseBenchmark) and the scikit-learn peer (sparse_sklearn.py)
read the same files. Usage: sparse_data.py DIR ROWS COLS NNZ SEED
"""
import os
import sys
import time

import numpy as np

DRAWS_PER_NONZERO = 1.42

def main():
    out, rows, cols, nnz, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    os.makedirs(out, exist_ok=True)
    stamp = f"{rows} {cols} {nnz} {seed} v1"
    meta = os.path.join(out, "meta.txt")
    if os.path.exists(meta) and open(meta).read().split("\n")[0] == stamp:
        print(f"sparse data: {out} already holds rows={rows} cols={cols} nnz/row={nnz} seed={seed}")
        return
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    ranks = np.arange(1, cols + 1, dtype=np.float64)
    cdf = np.cumsum(ranks ** -1.1)
    cdf /= cdf[-1]
    scatter = rng.permutation(cols).astype(np.int64)  # rank -> column index
    beta = np.zeros(cols)
    informative = rng.choice(cols, size=max(1, cols // 20), replace=False)
    beta[informative] = rng.standard_normal(informative.size)
    indptr = np.zeros(rows + 1, dtype=np.int64)
    indices_parts, data_parts, score_parts = [], [], []
    chunk = 20000
    for start in range(0, rows, chunk):
        k = min(chunk, rows - start)
        # Draws a row: duplicates of the frequent columns are dropped below, about 3 in 10 at these shapes.
        counts = (rng.integers(nnz // 2, nnz + nnz // 2 + 1, size=k) * DRAWS_PER_NONZERO).astype(np.int64)
        row_of = np.repeat(np.arange(k, dtype=np.int64), counts)
        col = scatter[np.minimum(np.searchsorted(cdf, rng.random(row_of.size)), cols - 1)]
        key = np.unique(row_of * cols + col)  # sorted by row then column, duplicates dropped
        r = key // cols
        c = (key % cols).astype(np.int32)
        v = rng.lognormal(0.0, 0.7, size=c.size)
        norms = np.sqrt(np.bincount(r, weights=v * v, minlength=k))
        v = v / np.where(norms > 0, norms, 1.0)[r]
        per_row = np.bincount(r, minlength=k)
        indptr[start + 1:start + k + 1] = indptr[start] + np.cumsum(per_row)
        indices_parts.append(c)
        data_parts.append(v.astype(np.float32))
        score_parts.append(np.bincount(r, weights=v * beta[c], minlength=k))
    indices = np.concatenate(indices_parts)
    data = np.concatenate(data_parts)
    score = np.concatenate(score_parts)
    score += 0.05 * rng.standard_normal(rows) * score.std()
    y = (score > np.median(score)).astype(np.float32)
    flip = rng.random(rows) < 0.05
    y[flip] = 1 - y[flip]
    np.save(os.path.join(out, "indptr.npy"), indptr)
    np.save(os.path.join(out, "indices.npy"), indices)
    np.save(os.path.join(out, "data.npy"), data)
    np.save(os.path.join(out, "y.npy"), y)
    used = np.count_nonzero(np.bincount(indices, minlength=cols))
    with open(meta, "w") as f:
        f.write(stamp + "\n")
        f.write(f"rows {rows} cols {cols} nonzeros {indices.size} columns_used {used} positives {int(y.sum())}\n")
    print(f"sparse data: {rows} x {cols}, {indices.size} nonzeros ({indices.size / rows:.1f} a row, "
          f"{used} columns used), seed {seed}, written to {out} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
