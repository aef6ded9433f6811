#!/usr/bin/env python3
"""The PyTorch side of the sparse GPU benchmark (benchmarks/src/main/java/dev/logreg/bench/gpu/GpuSparseBenchmark.java).

Reads the benchmark's CSR set (crow int64 rows + 1, col int32, val float32, y float32: the arrays the Java side
uploads), the parameters (float64, n + 1, the intercept last) and the Java sparse gradient (ours.npy), then on the GPU:
  1. times, in float32 as a user would write it with torch.sparse_csr_tensor: X @ theta (CSR mv), X^T @ r (the
     transpose of the CSR tensor with a vector: cuSPARSE's transposed mv, or a CSC conversion, whichever this torch
     does), and the whole gradient (mv, sigmoid, transposed mv); says whether the transposed mv gives the same bits on
     two runs;
  2. computes the value and gradient in float64 (the same CSR with float64 values) and compares ours with it, as
     max |g_ours - g64| / max(|g64|_inf, value).
Prints one JSON object on stdout (the last line). Usage: torch_sparse.py --dir WORKDIR [--reps 10] [--value V]
[--device cuda|cpu] (cpu: to rehearse the script where there is no GPU; its times mean nothing)
"""
import argparse
import json
import time
import warnings

import numpy as np
import torch


def median_ms(fn, reps, dev):
    for _ in range(3):
        fn()
    times = []
    for _ in range(reps):
        if dev.type == "cuda":
            torch.cuda.synchronize()
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            torch.cuda.synchronize()
            times.append(start.elapsed_time(end))
        else:
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return times[len(times) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--value", type=float, default=float("nan"))
    ap.add_argument("--device", default="cuda")
    a = ap.parse_args()
    # torch says on every run that CSR support is beta and that it skips the invariant checks: noise in the run log.
    warnings.filterwarnings("ignore", message="Sparse")
    dev = torch.device(a.device)
    t0 = time.time()
    crow = torch.from_numpy(np.load(a.dir + "/crow.npy")).to(dev)
    col = torch.from_numpy(np.load(a.dir + "/col.npy").astype(np.int64)).to(dev)
    val = torch.from_numpy(np.load(a.dir + "/val.npy")).to(dev)
    y = torch.from_numpy(np.load(a.dir + "/y.npy")).to(dev)
    params = np.load(a.dir + "/params.npy")
    ours = np.load(a.dir + "/ours.npy")
    load_s = time.time() - t0
    m = y.shape[0]
    n = params.size - 1
    X = torch.sparse_csr_tensor(crow, col, val, size=(m, n))
    theta = torch.tensor(params[:n], dtype=torch.float32, device=dev)
    b = float(params[n])
    r0 = torch.rand(m, dtype=torch.float32, device=dev, generator=torch.Generator(device=dev).manual_seed(1)) - 0.5

    def mv():
        return X @ theta

    # X^T as a user writes it; where this torch refuses the transpose of a CSR tensor with a vector, the transposed
    # copy made once (CSR of X^T), as our backend keeps one.
    Xt = X.t()
    mvt_form = "X.t() @ r"
    try:
        Xt @ r0
    except (RuntimeError, NotImplementedError) as e:
        Xt = X.t().to_sparse_csr()
        mvt_form = "X.t().to_sparse_csr() @ r (X.t() @ r refused: %s)" % str(e).splitlines()[0][:120]

    def mvt():
        return Xt @ r0

    def grad32():
        z = X @ theta + b
        r = (torch.sigmoid(z) - y) / m
        return Xt @ r, r.sum()

    mv_ms = median_ms(mv, a.reps, dev)
    mvt_ms = median_ms(mvt, a.reps, dev)
    grad_ms = median_ms(grad32, a.reps, dev)
    g1 = mvt()
    g2 = mvt()
    mvt_repeats = bool(torch.equal(g1, g2))

    X64 = torch.sparse_csr_tensor(crow, col, val.double(), size=(m, n))
    Xt64 = X64.t() if mvt_form == "X.t() @ r" else X64.t().to_sparse_csr()
    theta64 = torch.tensor(params[:n], dtype=torch.float64, device=dev)
    z = X64 @ theta64 + b
    y64 = y.double()
    value = float((torch.clamp(z, min=0) - y64 * z + torch.log1p(torch.exp(-torch.abs(z)))).mean())
    r = (torch.sigmoid(z) - y64) / m
    g64 = np.concatenate([(Xt64 @ r).cpu().numpy(), [float(r.sum())]])
    scale = max(float(np.max(np.abs(g64))), value)
    grad_err = float(np.max(np.abs(ours - g64)) / scale)

    print(json.dumps({
        "device": torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu",
        "torch": torch.__version__,
        "rows": m,
        "cols": n,
        "nonzeros": int(col.shape[0]),
        "load_s": load_s,
        "mv_ms": mv_ms,
        "mvt_ms": mvt_ms,
        "mvt_form": mvt_form,
        "mvt_repeats": mvt_repeats,
        "grad_ms": grad_ms,
        "value64": value,
        "value_ours": a.value,
        "grad_check_err_over_scale": grad_err,
    }))


if __name__ == "__main__":
    main()
