#!/usr/bin/env python3
"""The PyTorch side of the GPU benchmark (benchmarks/src/main/java/dev/logreg/bench/gpu/GpuBenchmark.java).

Reads the benchmark's data (X float32 rows x n, y float32, both .npy, the same bytes the Java side uploads), then on
the GPU:
  1. times the same value+gradient in float32 PyTorch: z = X theta + b, r = sigmoid(z) - y, g = X^T r / m (two
     matrix-vector products, so X is read twice; GB/s is reported on the bytes of X, as for the Java side);
  2. computes that gradient in float64 at the same point and compares it with the Java fused gradient (ours.npy),
     as max |g_ours - g64| / ((1/m) sum |r_i| ||(x_i, 1)||);
  3. computes the float64 optimum of (1/m) sum l(y_i, z_i) + lam/(2m) ||theta||^2 (intercept not penalised) by
     Newton's method with a backtracking line search, to ||grad||_inf <= 1e-12.
Prints one JSON object on stdout (the last line). Usage:
  torch_gradient.py --dir WORKDIR [--reps 20] [--lam 1.0]
WORKDIR holds X.npy, y.npy, params.npy (float64, n+1: theta then b) and ours.npy (float64, n+1: value-free gradient).
"""
import argparse
import json
import time

import numpy as np
import torch


def median_ms(fn, reps):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    return times[len(times) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--lam", type=float, default=1.0)
    a = ap.parse_args()
    dev = torch.device("cuda")
    t0 = time.time()
    X = torch.from_numpy(np.load(a.dir + "/X.npy")).to(dev)
    y = torch.from_numpy(np.load(a.dir + "/y.npy")).to(dev)
    params = np.load(a.dir + "/params.npy")
    ours = np.load(a.dir + "/ours.npy")
    load_s = time.time() - t0
    m, n = X.shape
    theta = torch.tensor(params[:n], dtype=torch.float32, device=dev)
    b = float(params[n])

    def grad32():
        z = torch.mv(X, theta) + b
        r = torch.sigmoid(z) - y
        g = torch.mv(X.t(), r) / m
        return g, r.mean()

    grad_ms = median_ms(grad32, a.reps)
    x_bytes = X.numel() * 4

    # float64 gradient at the same point, and the scale (1/m) sum |r_i| ||(x_i, 1)||, in row chunks.
    th64 = torch.tensor(params[:n], dtype=torch.float64, device=dev)
    g64 = torch.zeros(n, dtype=torch.float64, device=dev)
    gb64 = 0.0
    scale = 0.0
    chunk = 1 << 20
    for i in range(0, m, chunk):
        xc = X[i:i + chunk].double()
        z = xc @ th64 + b
        r = torch.sigmoid(z) - y[i:i + chunk].double()
        g64 += xc.t() @ r
        gb64 += float(r.sum())
        scale += float((r.abs() * torch.sqrt((xc * xc).sum(1) + 1)).sum())
    g64 = torch.cat([g64 / m, torch.tensor([gb64 / m], dtype=torch.float64, device=dev)]).cpu().numpy()
    scale /= m
    grad_err = float(np.max(np.abs(ours - g64)) / scale)

    # Newton's method in float64 for the L2-penalised optimum.
    t1 = time.time()
    X64 = X.double()
    y64 = y.double()
    lam = a.lam

    def objective(w, c):
        z = X64 @ w + c
        # log(1 + e^z) by logaddexp: exact on both tails (softplus switches to z above a threshold)
        return float((torch.logaddexp(torch.zeros_like(z), z) - y64 * z).mean() + lam / (2 * m) * (w @ w))

    w = torch.zeros(n, dtype=torch.float64, device=dev)
    c = 0.0
    f = objective(w, c)
    it = 0
    gnorm = float("inf")
    for it in range(1, 60):
        z = X64 @ w + c
        p = torch.sigmoid(z)
        r = p - y64
        gw = X64.t() @ r / m + lam / m * w
        gc = float(r.mean())
        gnorm = max(float(gw.abs().max()), abs(gc))
        if gnorm <= 1e-12:
            break
        s = p * (1 - p) / m
        H = torch.zeros(n + 1, n + 1, dtype=torch.float64, device=dev)
        for i in range(0, m, chunk):
            xc = X64[i:i + chunk]
            sc = s[i:i + chunk]
            H[:n, :n] += (xc * sc[:, None]).t() @ xc
            H[:n, n] += xc.t() @ sc
        H[n, :n] = H[:n, n]
        H[n, n] = float(s.sum())
        H[:n, :n] += lam / m * torch.eye(n, dtype=torch.float64, device=dev)
        step = torch.linalg.solve(H, torch.cat([gw, torch.tensor([gc], dtype=torch.float64, device=dev)]))
        t = 1.0
        while True:
            w_new = w - t * step[:n]
            c_new = c - t * float(step[n])
            f_new = objective(w_new, c_new)
            if f_new <= f or t < 1e-10:
                break
            t *= 0.5
        converged = abs(f - f_new) <= 1e-16 * abs(f) and gnorm <= 1e-9
        w, c, f = w_new, c_new, f_new
        if converged:
            break
    newton_s = time.time() - t1

    result = {
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "rows": m,
        "cols": n,
        "load_s": load_s,
        "grad_ms": grad_ms,
        "grad_gbps": x_bytes / (grad_ms * 1e-3) / 1e9,
        "grad_check_err_over_scale": grad_err,
        "newton_objective": f,
        "newton_iterations": it,
        "newton_grad_inf": gnorm,
        "newton_s": newton_s,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
