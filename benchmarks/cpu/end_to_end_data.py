"""Writes the seeded end-to-end benchmark data: X.npy (float32, rows x cols), y.npy (float32 0/1) and data.csv (the
same rows, header f0..f{cols-1},label) into DIR. Values are Gaussians rounded to 6 decimals, so the CSV text reads back
to the .npy's float32 values; labels drawn from a logistic model with a fixed seed. --no-csv writes the .npy files only
(the same rows: the CSV is written from them after).
Usage: end_to_end_data.py DIR ROWS COLS SEED [--no-csv]"""
import os
import sys

import numpy as np


def main():
    d, rows, cols, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(seed)
    x = np.round(rng.standard_normal((rows, cols)), 6).astype(np.float32)
    w = rng.standard_normal(cols) / np.sqrt(cols)
    p = 1 / (1 + np.exp(-(x.astype(np.float64) @ w + 0.3)))
    y = (rng.random(rows) < p).astype(np.float32)
    np.save(f"{d}/X.npy", x)
    np.save(f"{d}/y.npy", y)
    if "--no-csv" in sys.argv[5:]:
        return
    xy = np.concatenate([x, y[:, None]], axis=1)
    header = ",".join([f"f{j}" for j in range(cols)] + ["label"])
    with open(f"{d}/data.csv.tmp", "w") as f:
        f.write(header + "\n")
        for start in range(0, rows, 50_000):
            np.savetxt(f, xy[start:start + 50_000], fmt=["%.6f"] * cols + ["%d"], delimiter=",")
    os.replace(f"{d}/data.csv.tmp", f"{d}/data.csv")


if __name__ == "__main__":
    main()
