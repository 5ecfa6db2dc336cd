"""Timing helpers shared by the benchmark scripts."""
from __future__ import annotations

import time
from typing import Callable


def interleaved(named: dict[str, Callable], steps: int, rounds: int = 7,
                warmup: int = 3, pause: float = 0.5) -> dict[str, float]:
    """For each ``name -> fn``, the best over ``rounds`` of the mean seconds per call of
    ``steps`` calls. Contenders take turns round by round, so a noisy machine slows them
    alike. A ``pause`` before each turn lets the previous contender's worker threads go
    idle, so they do not slow the next one: OpenBLAS's threads (NumPy's, so Ember's)
    busy-wait about 0.1 s after their last call, OpenMP's (PyTorch's) up to 0.2 s; with
    a 0.02 s pause PyTorch's MLP step measured 9.4-14 ms after Ember's turn, 5.5-6.3 ms
    after a 0.3 s one.

    A contender with a ``timed_steps(steps)`` method (one in another process, warmed up
    there) runs and times its own turn and returns its seconds per call."""
    best = {k: float("inf") for k in named}
    for fn in named.values():
        if not hasattr(fn, "timed_steps"):
            for _ in range(warmup):
                fn()
    for _ in range(rounds):
        for k, fn in named.items():
            time.sleep(pause)
            if hasattr(fn, "timed_steps"):
                best[k] = min(best[k], fn.timed_steps(steps))
                continue
            t = time.perf_counter()
            for _ in range(steps):
                fn()
            best[k] = min(best[k], (time.perf_counter() - t) / steps)
    return best


def ember_train_step(model, x, y, eager: bool = False) -> Callable:
    """Ember ``model``'s train step on the NumPy batch ``(x, y)``: the compiled step that
    ``fit`` runs, or with ``eager`` the plain Python ``train_step``."""
    import ember
    batch = (ember.constant(x), ember.constant(y))
    if eager:
        return lambda: model.train_step(batch)
    train_function = model.make_train_function()
    return lambda: train_function((batch,))


def print_table(title: str, results: dict[str, dict[str, float] | None],
                ours: str = "ember") -> None:
    """Rows per workload: each framework's time and ``ours``' ratio to every peer."""
    peers = [k for k, v in results.items() if k != ours and v]
    print(title)
    print(f"{'workload':<22}{ours:>12}" + "".join(f"{p:>12}" for p in peers) +
          "".join(f"{ours + '/' + p:>18}" for p in peers))
    for name, t in results[ours].items():
        row = f"{name:<22}{t * 1e3:>10.3f}ms"
        row += "".join(f"{results[p][name] * 1e3:>10.3f}ms" for p in peers)
        row += "".join(f"{t / results[p][name]:>18.2f}" for p in peers)
        print(row)


def keras_on_tensorflow():
    """Real Keras with the TensorFlow backend, or None when it is not installed (or another
    backend is configured): the reference the benchmarks compare against."""
    import os
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        import keras
    except ImportError:
        return None
    return keras if keras.backend.backend() == "tensorflow" else None


def gemm_gflops(n: int = 1024, repeats: int = 10) -> float:
    """This process's measured float32 GEMM rate in GFLOP/s: the best of ``repeats``
    ``numpy.matmul`` calls on ``n x n`` float32 matrices (2 n^3 FLOPs each), with NumPy's
    BLAS and its threads as they are."""
    import numpy as np
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    out = np.empty((n, n), np.float32)
    np.matmul(a, b, out=out)   # warm-up: BLAS threads started, pages touched
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        np.matmul(a, b, out=out)
        best = min(best, time.perf_counter() - t)
    return 2 * n ** 3 / best / 1e9


def max_rss_mb() -> float:
    """This process's peak resident set size so far, in MiB: the high-water mark of its
    memory map (``VmHWM`` in /proc/self/status) where Linux has it, else ``ru_maxrss``.
    (On Linux, ``ru_maxrss`` carries across fork and exec the peak of the process that
    spawned this one, so a subprocess of a big parent would report the parent's size.)"""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024   # kB
    except OSError:
        pass
    import resource
    import sys
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2 ** 20 if sys.platform == "darwin" else rss / 1024   # bytes / KiB
