"""The bench's reference step (bench/reference-vae.ts) in JAX, `jax.jit` on XLA's CPU backend, for `npm run bench`.

The same IGR-I VAE step as bench/reference_torch.py and bench/reference-vae.ts (IGR paper, Potapczynski,
Loaiza-Ganem, Cunningham 2020, arXiv:1912.09588): batch 100, encoder 784-512-256 (ReLU), heads of 20 x 9 for mu
and sigma = softplus(.), IGR-I sample through softmax++ (delta = 1, tau = 0.5, stable form with
m = max(max_k a_k, 0)), decoder 200-256-512-784, Bernoulli log-likelihood with logits, closed-form Gaussian KL to
N(-0.25, exp(0.3)^2) per coordinate, Adam (lr 1e-3, betas 0.9/0.999, eps 1e-7 as tfjs): optax.adam when optax is
installed, else the same update written out below. The whole step (forward, gradient, Adam) is one jitted function;
each timed step ends with the loss read back to Python.

`--one-thread` asks XLA for one intra-op thread (the caller also pins the process to one core with taskset).
Prints one line `RESULT {json}`.

    python3 bench/reference_jax.py [--one-thread] [--steps 25] [--warmup 5]
"""
import argparse
import json
import os
import sys
import time

# XLA reads its flags when the backend starts: set them before importing jax.
if "--one-thread" in sys.argv:
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

try:
    import optax  # noqa: E402
except ImportError:  # optional: the update below is Adam as optax and tfjs compute it
    optax = None

N, K, TAU, DELTA = 20, 10, 0.5, 1.0
BATCH, INPUT = 100, 784
LR, B1, B2, EPS = 1e-3, 0.9, 0.999, 1e-7


def init(key):
    free = N * (K - 1)
    sizes = [(INPUT, 512), (512, 256), (256, free), (256, free), (N * K, 256), (256, 512), (512, INPUT)]
    params = []
    for fan_in, fan_out in sizes:
        key, sub = jax.random.split(key)
        limit = (6.0 / (fan_in + fan_out)) ** 0.5
        params.append((jax.random.uniform(sub, (fan_in, fan_out), minval=-limit, maxval=limit), jnp.zeros(fan_out)))
    return params


def neg_elbo(params, x, key):
    (w1, b1), (w2, b2), (wm, bm), (ws, bs), (d1, c1), (d2, c2), (d3, c3) = params
    mu0 = jnp.full((K - 1,), -0.25)
    log_s0 = jnp.full((K - 1,), 0.3)
    inv_var0 = jnp.exp(-2 * log_s0)
    h = jax.nn.relu(jax.nn.relu(x @ w1 + b1) @ w2 + b2)
    mu = (h @ wm + bm).reshape(BATCH, N, K - 1)
    sigma = jax.nn.softplus(h @ ws + bs).reshape(BATCH, N, K - 1)
    y = mu + sigma * jax.random.normal(key, (BATCH, N, K - 1))
    a = y / TAU
    m = jnp.maximum(a.max(-1, keepdims=True), 0)
    e = jnp.exp(a - m)
    rest = jnp.exp(-m) * DELTA
    z = jnp.concatenate([e, rest], -1) / (e.sum(-1, keepdims=True) + rest)
    logits = jax.nn.relu(jax.nn.relu(z.reshape(BATCH, N * K) @ d1 + c1) @ d2 + c2) @ d3 + c3
    loglik = (x * logits - jax.nn.softplus(logits)).sum()
    kl = 0.5 * (((sigma**2 + (mu - mu0) ** 2) * inv_var0 + 2 * log_s0) - (2 * jnp.log(sigma) + 1)).sum()
    return (kl - loglik) / BATCH


def adam_init(params):
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    return (jnp.zeros((), jnp.int32), zeros, zeros)


def adam_update(grads, state, params):
    t, m, v = state
    t = t + 1
    m = jax.tree_util.tree_map(lambda m, g: B1 * m + (1 - B1) * g, m, grads)
    v = jax.tree_util.tree_map(lambda v, g: B2 * v + (1 - B2) * g * g, v, grads)
    c1 = 1 - B1**t
    c2 = 1 - B2**t
    params = jax.tree_util.tree_map(lambda p, m, v: p - LR * (m / c1) / (jnp.sqrt(v / c2) + EPS), params, m, v)
    return params, (t, m, v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--one-thread", action="store_true")
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--warmup", type=int, default=5)
    args = ap.parse_args()
    key = jax.random.PRNGKey(1)
    key, k_init, k_x = jax.random.split(key, 3)
    params = init(k_init)
    x = (jax.random.uniform(k_x, (BATCH, INPUT)) < 0.5).astype(jnp.float32)

    if optax is not None:
        opt = optax.adam(LR, b1=B1, b2=B2, eps=EPS)
        state = opt.init(params)

        @jax.jit
        def step(params, state, key):
            loss, grads = jax.value_and_grad(neg_elbo)(params, x, key)
            updates, state = opt.update(grads, state, params)
            return optax.apply_updates(params, updates), state, loss
    else:
        state = adam_init(params)

        @jax.jit
        def step(params, state, key):
            loss, grads = jax.value_and_grad(neg_elbo)(params, x, key)
            params, state = adam_update(grads, state, params)
            return params, state, loss

    def run():
        nonlocal params, state, key
        key, sub = jax.random.split(key)
        params, state, loss = step(params, state, sub)
        return float(loss)

    for _ in range(args.warmup):
        run()
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    q = lambda f: times[min(len(times) - 1, int(f * len(times)))]
    print("RESULT " + json.dumps({
        "framework": "jax",
        "version": jax.__version__,
        "mode": "jit" + (" + optax" if optax is not None else " + Adam written out"),
        "threads": 1 if args.one_thread else os.cpu_count(),
        "steps": args.steps,
        "ms": {"median": round(q(0.5), 2), "p10": round(q(0.1), 2), "p90": round(q(0.9), 2), "min": round(times[0], 2)},
    }))


if __name__ == "__main__":
    main()
