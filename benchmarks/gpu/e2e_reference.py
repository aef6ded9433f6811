"""Issue 18, item 4: the peers of `logreg train --backend gpu` on the same file, in the same device run.

  e2e_reference.py write X.npy y.npy ROWS COLS SEED   seeded float32 X and 0/1 y (float32), written with NumPy
  e2e_reference.py peers X.npy y.npy LAMBDA [SKLEARN_ROWS]

J = (1/m) sum_i logloss_i + (lambda/2m) ||w||^2 with a free, unpenalized intercept (logreg's objective, as in
benchmarks/cpu/time_to_optimum_sklearn.py). J*: Newton's method in float64 on the GPU (torch, X cast to float64 a
block at a time, gradient and Hessian summed in float64) to a gradient inf-norm <= 1e-12. PyTorch: torch.optim.LBFGS
(strong Wolfe line search, history 10) on the float32 rows on the same GPU, timed from the tensor in host memory
(upload included) until its iterate's float64 J is within 1e-6 of J* (relative), the check outside the time.
scikit-learn: lbfgs on the CPU cores, tol 1e-12, on the first SKLEARN_ROWS rows (default 1,000,000: the whole
10,000,000 x 128 takes minutes in float64); its float64 J is printed; it is a peer on a
subsample, said so in its line. Without torch or scikit-learn the part says so and skips (exit status 0).
"""
import sys
import time

import numpy as np

BLOCK = 1_000_000


def write(x_path, y_path, rows, cols, seed):
    rng = np.random.default_rng(seed)
    x = np.empty((rows, cols), dtype=np.float32)
    w = rng.standard_normal(cols) / np.sqrt(cols)
    y = np.empty(rows, dtype=np.float32)
    for s in range(0, rows, BLOCK):
        e = min(rows, s + BLOCK)
        x[s:e] = rng.standard_normal((e - s, cols), dtype=np.float32)
        p = 1 / (1 + np.exp(-(x[s:e].astype(np.float64) @ w)))
        y[s:e] = (rng.random(e - s) < p).astype(np.float32)
    t = time.perf_counter()
    np.save(x_path, x)
    np.save(y_path, y)
    print(f"wrote {x_path} ({rows} x {cols} float32, {x.nbytes / 1e9:.2f} GB) and {y_path} in {time.perf_counter() - t:.2f} s")


def torch_objective(torch, x, y, w, b, lam):
    """float64 J, gradient and Hessian (intercept last), summed a block at a time."""
    m, n = x.shape
    j = torch.zeros((), dtype=torch.float64, device=x.device)
    g = torch.zeros(n + 1, dtype=torch.float64, device=x.device)
    h = torch.zeros((n + 1, n + 1), dtype=torch.float64, device=x.device)
    for s in range(0, m, BLOCK):
        xb = x[s:s + BLOCK].double()
        xb = torch.cat([xb, torch.ones((xb.shape[0], 1), dtype=torch.float64, device=x.device)], 1)
        yb = y[s:s + BLOCK].double()
        z = xb @ torch.cat([w, b.reshape(1)])
        j += (torch.nn.functional.softplus(z) - yb * z).sum()
        p = torch.sigmoid(z)
        g += xb.T @ (p - yb)
        h += (xb * (p * (1 - p))[:, None]).T @ xb
    reg = torch.cat([torch.full((n,), lam, dtype=torch.float64, device=x.device), torch.zeros(1, dtype=torch.float64, device=x.device)])
    wb = torch.cat([w, b.reshape(1)])
    return (j + 0.5 * lam * (w @ w)) / m, (g + reg * wb) / m, (h + torch.diag(reg)) / m


def newton(torch, x, y, lam):
    n = x.shape[1]
    wb = torch.zeros(n + 1, dtype=torch.float64, device=x.device)
    for it in range(50):
        j, g, h = torch_objective(torch, x, y, wb[:n], wb[n], lam)
        if g.abs().max().item() <= 1e-12:
            break
        wb = wb - torch.linalg.solve(h, g)
    return j.item(), it


def peers(x_path, y_path, lam, sk_rows):
    t = time.perf_counter()
    x_host = np.load(x_path, mmap_mode=None)
    y_host = np.load(y_path)
    print(f"numpy read of {x_path}: {time.perf_counter() - t:.3f} s ({x_host.shape[0]} x {x_host.shape[1]})")
    try:
        import torch
    except ImportError:
        print("torch: not installed here: PyTorch L-BFGS and the float64 Newton optimum skipped")
        torch = None
    if torch is not None and not torch.cuda.is_available():
        print("torch: no CUDA device: PyTorch L-BFGS skipped")
        torch = None
    if torch is not None:
        dev = torch.device("cuda")
        xt = torch.from_numpy(x_host).to(dev)
        yt = torch.from_numpy(y_host).to(dev)
        t = time.perf_counter()
        j_star, its = newton(torch, xt, yt, lam)
        print(f"J* (float64 Newton on the GPU): {j_star:.17g} after {its} iterations, {time.perf_counter() - t:.2f} s")
        del xt, yt
        torch.cuda.synchronize()
        n = x_host.shape[1]
        x_cpu = torch.from_numpy(x_host)
        y_cpu = torch.from_numpy(y_host)
        for run in (1, 2):
            iterates = []
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            xg = x_cpu.to(dev)
            yg = y_cpu.to(dev)
            wb = torch.zeros(n + 1, dtype=torch.float32, device=dev, requires_grad=True)
            opt = torch.optim.LBFGS([wb], lr=1, max_iter=500, history_size=10, tolerance_grad=1e-10,
                                    tolerance_change=1e-14, line_search_fn="strong_wolfe")

            def closure():
                opt.zero_grad()
                z = xg @ wb[:n] + wb[n]
                loss = torch.nn.functional.binary_cross_entropy_with_logits(z, yg) + 0.5 * lam / xg.shape[0] * (wb[:n] @ wb[:n])
                loss.backward()
                torch.cuda.synchronize()
                iterates.append((time.perf_counter() - t0, wb.detach().double().clone()))
                return loss

            opt.step(closure)
            total = time.perf_counter() - t0
            hit = None
            xt = torch.from_numpy(x_host).to(dev)
            yt = torch.from_numpy(y_host).to(dev)
            for secs, w in iterates:
                j = torch_objective(torch, xt, yt, w[:n], w[n], lam)[0].item()
                if j <= j_star * (1 + 1e-6):
                    hit = (secs, j)
                    break
            del xt, yt, xg, yg
            if hit:
                print(f"PyTorch L-BFGS run {run} (float32 rows, upload included): within 1e-6 of J* at {hit[0]:.3f} s "
                      f"(J {hit[1]:.17g}); {len(iterates)} evaluations, {total:.3f} s in all")
            else:
                print(f"PyTorch L-BFGS run {run}: never within 1e-6 of J* ({len(iterates)} evaluations, {total:.3f} s)")
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        print("scikit-learn: not installed here: skipped")
        return
    m = min(sk_rows, x_host.shape[0])
    xs, ys = x_host[:m], y_host[:m]
    t = time.perf_counter()
    clf = LogisticRegression(C=1 / lam, solver="lbfgs", tol=1e-12, max_iter=1000).fit(xs, ys)
    secs = time.perf_counter() - t
    z = xs.astype(np.float64) @ clf.coef_[0].astype(np.float64) + clf.intercept_[0]
    j = (np.logaddexp(0, z).sum() - (ys * z).sum() + 0.5 * lam * (clf.coef_[0] @ clf.coef_[0])) / m
    print(f"scikit-learn lbfgs on the CPU cores, first {m} rows only (a subsample): {secs:.2f} s from fit() "
          f"(float64 cast included), {clf.n_iter_[0]} iterations, J {j:.17g}")


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    else:
        peers(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]) if len(sys.argv) > 5 else 1_000_000)
