#!/usr/bin/env python3
"""The PyTorch side of the multinomial GPU benchmark (benchmarks/src/main/java/dev/logreg/bench/gpu/GpuSoftmaxBenchmark.java).

Reads the benchmark's data (X float32 rows x n, y float32 class indices, both .npy: the same bytes the Java side
uploads), the parameters (float64, K (n + 1), class-major: w_1 b_1 | .. | w_K b_K) and the Java fused gradient
(ours.npy, the same layout), then on the GPU:
  1. times the multinomial value+gradient in float32 PyTorch as a user would write it: Z = X W^T + b (mm),
     log_softmax, R = (softmax - onehot) / m, G = R^T X (mm): X is read twice; GB/s is reported on the bytes of X;
  2. computes the gradient in float64 at the same point (row chunks) and compares it with ours.npy, as
     max |g_ours - g64| / max(|g64|_inf, value).
Prints one JSON object on stdout (the last line). Usage: torch_softmax.py --dir WORKDIR [--reps 10]
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
    ap.add_argument("--reps", type=int, default=10)
    a = ap.parse_args()
    dev = torch.device("cuda")
    t0 = time.time()
    X = torch.from_numpy(np.load(a.dir + "/X.npy")).to(dev)
    y = torch.from_numpy(np.load(a.dir + "/y.npy")).to(dev).long()
    params = np.load(a.dir + "/params.npy")
    ours = np.load(a.dir + "/ours.npy")
    load_s = time.time() - t0
    m, n = X.shape
    k = params.size // (n + 1)
    P = params.reshape(k, n + 1)
    W = torch.tensor(P[:, :n], dtype=torch.float32, device=dev)
    b = torch.tensor(P[:, n], dtype=torch.float32, device=dev)
    onehot = torch.nn.functional.one_hot(y, k).float()

    def grad32():
        z = torch.mm(X, W.t()) + b
        ls = torch.log_softmax(z, dim=1)
        value = -(ls.gather(1, y[:, None])).mean()
        r = (torch.exp(ls) - onehot) / m
        g = torch.mm(r.t(), X)
        return value, g, r.sum(0)

    grad_ms = median_ms(grad32, a.reps)
    x_bytes = X.numel() * 4

    W64 = torch.tensor(P[:, :n], dtype=torch.float64, device=dev)
    b64 = torch.tensor(P[:, n], dtype=torch.float64, device=dev)
    g64 = torch.zeros(k, n + 1, dtype=torch.float64, device=dev)
    value = 0.0
    chunk = 1 << 20
    for i in range(0, m, chunk):
        xc = X[i:i + chunk].double()
        yc = y[i:i + chunk]
        z = xc @ W64.t() + b64
        ls = torch.log_softmax(z, dim=1)
        value -= float(ls.gather(1, yc[:, None]).sum())
        r = torch.exp(ls)
        r[torch.arange(r.shape[0], device=dev), yc] -= 1.0
        g64[:, :n] += r.t() @ xc
        g64[:, n] += r.sum(0)
    g64 = (g64 / m).cpu().numpy().reshape(-1)
    value /= m
    scale = max(float(np.max(np.abs(g64))), value)
    grad_err = float(np.max(np.abs(ours - g64)) / scale)

    print(json.dumps({
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "rows": m,
        "cols": n,
        "classes": k,
        "load_s": load_s,
        "grad_ms": grad_ms,
        "grad_gbps": x_bytes / (grad_ms * 1e-3) / 1e9,
        "value64": value,
        "grad_check_err_over_scale": grad_err,
    }))


if __name__ == "__main__":
    main()
