"""The bench's reference step (bench/reference-vae.ts) in PyTorch eager mode, for `npm run bench`'s comparison.

IGR-I VAE of the IGR paper (Potapczynski, Loaiza-Ganem, Cunningham 2020, arXiv:1912.09588), batch 100: encoder
784-512-256 (ReLU), heads of 20 x 9 for mu and sigma = softplus(.), an IGR-I sample through softmax++ (delta = 1,
tau = 0.5, the stable form with m = max(max_k a_k, 0)), decoder 200-256-512-784 (ReLU, ReLU, logits), Bernoulli
log-likelihood with logits, the closed-form Gaussian KL to a fixed prior N(-0.25, exp(0.3)^2) per coordinate, Adam
(lr 1e-3, betas 0.9/0.999, eps 1e-7 as tfjs). The same math as bench/reference-vae.ts and models/igr_vae.sgm; the
timing does not depend on the values (a fixed random binary batch, Glorot-uniform weights, zero biases).

Prints one line `RESULT {json}` with the median, p10, p90 and fastest step in ms over `--steps` timed steps after
`--warmup` untimed ones, each step ending with the loss read back to Python (as the bench's step reads it).

    python3 bench/reference_torch.py [--threads 1] [--steps 25] [--warmup 5]
"""
import argparse
import json
import os
import sys
import time

# Debian's torch calls OpenBLAS (pthread build) for its GEMMs, which starts a thread per core of its own besides
# torch's OpenMP threads: give it the same count, or a one-thread run is not one thread. Set before the import.
_threads = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"
os.environ.setdefault("OPENBLAS_NUM_THREADS", _threads)
os.environ.setdefault("OMP_NUM_THREADS", _threads)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

N, K, TAU, DELTA = 20, 10, 0.5, 1.0
BATCH, INPUT = 100, 784


def glorot(fan_in, fan_out, gen):
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    w = (torch.rand(fan_in, fan_out, generator=gen) * 2 - 1) * limit
    return torch.nn.Parameter(w), torch.nn.Parameter(torch.zeros(fan_out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--warmup", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(1)
    free = N * (K - 1)
    sizes = [(INPUT, 512), (512, 256), (256, free), (256, free), (N * K, 256), (256, 512), (512, INPUT)]
    layers = [glorot(i, o, gen) for i, o in sizes]
    params = [p for layer in layers for p in layer]
    (w1, b1), (w2, b2), (wm, bm), (ws, bs), (d1, c1), (d2, c2), (d3, c3) = layers
    x = (torch.rand(BATCH, INPUT, generator=gen) < 0.5).float()
    mu0 = torch.full((K - 1,), -0.25)
    log_s0 = torch.full((K - 1,), 0.3)
    inv_var0 = torch.exp(-2 * log_s0)
    opt = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-7)

    def neg_elbo():
        h = F.relu(F.relu(x @ w1 + b1) @ w2 + b2)
        mu = (h @ wm + bm).reshape(BATCH, N, K - 1)
        sigma = F.softplus(h @ ws + bs).reshape(BATCH, N, K - 1)
        y = mu + sigma * torch.randn(BATCH, N, K - 1, generator=gen)
        a = y / TAU
        m = torch.clamp(a.amax(-1, keepdim=True), min=0)
        e = torch.exp(a - m)
        rest = torch.exp(-m) * DELTA
        z = torch.cat([e, rest], -1) / (e.sum(-1, keepdim=True) + rest)
        logits = F.relu(F.relu(z.reshape(BATCH, N * K) @ d1 + c1) @ d2 + c2) @ d3 + c3
        loglik = (x * logits - F.softplus(logits)).sum()
        kl = 0.5 * (((sigma**2 + (mu - mu0) ** 2) * inv_var0 + 2 * log_s0) - (2 * torch.log(sigma) + 1)).sum()
        return (kl - loglik) / BATCH

    def step():
        opt.zero_grad(set_to_none=True)
        loss = neg_elbo()
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    q = lambda f: times[min(len(times) - 1, int(f * len(times)))]
    config = torch.__config__.show()
    blas = next((part.split("=", 1)[1] for part in config.replace("\n", ",").split(",") if part.strip().startswith("BLAS_INFO=")), "?")
    print("RESULT " + json.dumps({
        "framework": "pytorch",
        "version": torch.__version__,
        "mode": "eager",
        "threads": args.threads,
        "blas": blas,
        "steps": args.steps,
        "ms": {"median": round(q(0.5), 2), "p10": round(q(0.1), 2), "p90": round(q(0.9), 2), "min": round(times[0], 2)},
    }))


if __name__ == "__main__":
    main()
