"""Ember's conv2d / max_pool forward+backward against PyTorch on CPU, printed as ratios.

Shapes are those of the classic MNIST convnet (batch 128, 28x28x1, Conv2D 32 3x3 - MaxPool 2 -
Conv2D 64 3x3 - MaxPool 2). Run: ``python3 benchmarks/bench_conv.py [--repeat N]``.
Ratios > 1 mean Ember is slower.

``--tune-malloc`` keeps freed memory in glibc's heap (for both frameworks) instead of
returning large blocks to the system: on small VMs the page faults of re-touching fresh
memory each step can cost more than the arithmetic, and vary wildly between runs.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import ember


def _best(fn, repeat):
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _ember_case(kind, x_shape, w_shape=None, rng=None):
    x = ember.constant(rng.standard_normal(x_shape).astype(np.float32))
    w = (ember.constant(rng.standard_normal(w_shape).astype(np.float32) * 0.1)
         if w_shape else None)

    def fwd():
        if kind == "conv":
            return ember.nn.conv2d(x, w, strides=1, padding="VALID")
        return ember.nn.max_pool2d(x, 2, 2, "VALID")

    def fwd_bwd():
        with ember.GradientTape() as tape:
            tape.watch(x)
            if w is not None:
                tape.watch(w)
            y = fwd()
            loss = ember.reduce_sum(y)
        return tape.gradient(loss, [x, w] if w is not None else [x])
    return fwd, fwd_bwd


def _torch_case(torch, kind, x_shape, w_shape=None, rng=None):
    n, h, wd, c = x_shape
    x = torch.tensor(rng.standard_normal((n, c, h, wd)).astype(np.float32), requires_grad=True)
    w = None
    if w_shape:
        kh, kw, ci, co = w_shape
        w = torch.tensor(rng.standard_normal((co, ci, kh, kw)).astype(np.float32) * 0.1,
                         requires_grad=True)

    def fwd():
        with torch.no_grad():
            if kind == "conv":
                return torch.nn.functional.conv2d(x, w)
            return torch.nn.functional.max_pool2d(x, 2, 2)

    def fwd_bwd():
        if kind == "conv":
            y = torch.nn.functional.conv2d(x, w)
        else:
            y = torch.nn.functional.max_pool2d(x, 2, 2)
        y.sum().backward()
        x.grad = None
        if w is not None:
            w.grad = None
    return fwd, fwd_bwd


def _chain_ember(rng):
    x = ember.constant(rng.standard_normal((128, 28, 28, 1)).astype(np.float32))
    w1 = ember.constant(rng.standard_normal((3, 3, 1, 32)).astype(np.float32) * 0.3)
    w2 = ember.constant(rng.standard_normal((3, 3, 32, 64)).astype(np.float32) * 0.05)
    w3 = ember.constant(rng.standard_normal((1600, 10)).astype(np.float32) * 0.02)

    def step():
        with ember.GradientTape() as tape:
            for v in (w1, w2, w3):
                tape.watch(v)
            h = ember.nn.relu(ember.nn.conv2d(x, w1, 1, "VALID"))
            h = ember.nn.max_pool2d(h, 2, 2, "VALID")
            h = ember.nn.relu(ember.nn.conv2d(h, w2, 1, "VALID"))
            h = ember.nn.max_pool2d(h, 2, 2, "VALID")
            logits = ember.matmul(ember.reshape(h, [128, 1600]), w3)
            loss = ember.reduce_sum(logits * logits)
        return tape.gradient(loss, [w1, w2, w3])
    return step


def _chain_torch(torch, rng):
    F = torch.nn.functional
    x = torch.tensor(rng.standard_normal((128, 1, 28, 28)).astype(np.float32))
    w1 = torch.tensor(rng.standard_normal((32, 1, 3, 3)).astype(np.float32) * 0.3,
                      requires_grad=True)
    w2 = torch.tensor(rng.standard_normal((64, 32, 3, 3)).astype(np.float32) * 0.05,
                      requires_grad=True)
    w3 = torch.tensor(rng.standard_normal((1600, 10)).astype(np.float32) * 0.02,
                      requires_grad=True)

    def step():
        h = F.max_pool2d(F.relu(F.conv2d(x, w1)), 2, 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, w2)), 2, 2)
        logits = h.reshape(128, 1600) @ w3
        (logits * logits).sum().backward()
        for v in (w1, w2, w3):
            v.grad = None
    return step


def _phase(fns, repeat):
    """Best time (ms) of each function. Each framework is timed in its own phase, after a
    pause: the thread pools of OpenBLAS and PyTorch spin-wait after their work and slow
    each other down when interleaved on a small machine."""
    time.sleep(0.5)
    return [(_best(f, repeat) * 1e3 if f is not None else float("nan")) for f in fns]


def _tune_malloc():
    import ctypes
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    libc.mallopt(m_mmap_threshold, 1 << 30)
    libc.mallopt(m_trim_threshold, 1 << 30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--tune-malloc", action="store_true")
    args = ap.parse_args()
    if args.tune_malloc:
        _tune_malloc()
    try:
        import torch
    except ImportError:  # pragma: no cover
        torch = None
    rng = np.random.default_rng(0)
    cases = [
        ("conv2d 128x28x28x1 * 3x3x1x32", "conv", (128, 28, 28, 1), (3, 3, 1, 32)),
        ("max_pool 128x26x26x32 2x2", "pool", (128, 26, 26, 32), None),
        ("conv2d 128x13x13x32 * 3x3x32x64", "conv", (128, 13, 13, 32), (3, 3, 32, 64)),
        ("max_pool 128x11x11x64 2x2", "pool", (128, 11, 11, 64), None),
    ]
    labels, e_fns, t_fns = [], [], []
    for label, kind, xs, ws in cases:
        e_f, e_fb = _ember_case(kind, xs, ws, rng)
        t_f, t_fb = _torch_case(torch, kind, xs, ws, rng) if torch else (None, None)
        labels += [(label, "forward"), (label, "fwd+bwd")]
        e_fns += [e_f, e_fb]
        t_fns += [t_f, t_fb]
    labels.append(("MNIST convnet train step (grads only)", "fwd+bwd"))
    e_fns.append(_chain_ember(rng))
    t_fns.append(_chain_torch(torch, rng) if torch else None)
    e_times = _phase(e_fns, args.repeat)
    t_times = _phase(t_fns, args.repeat)
    print(f"{'case':40s} {'pass':9s} {'ember ms':>9s} {'torch ms':>9s} {'ratio':>6s}")
    for (label, what), te, tt in zip(labels, e_times, t_times):
        print(f"{label:40s} {what:9s} {te:9.2f} {tt:9.2f} {te / tt:6.2f}")


if __name__ == "__main__":
    main()
