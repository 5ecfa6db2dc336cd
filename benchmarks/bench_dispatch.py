"""Eager dispatch overhead of small ops: Ember against NumPy and PyTorch, in one run.

Times 8x8 float32 add, matmul and tanh, each without and with a gradient tape
(PyTorch: requires_grad=True), and the import time of ember over numpy. Prints the
time per call and Ember's ratio to PyTorch (target: <= 1.0).

    python benchmarks/bench_dispatch.py
"""
from __future__ import annotations

import subprocess
import sys
import timeit

import numpy as np


def per_call(fn, number=20000, repeat=7) -> float:
    """Best-of-``repeat`` seconds per call."""
    fn()
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def interleaved(fns: list, number: int = 5000, rounds: int = 15) -> list:
    """Best seconds per call of each function, measured in alternating rounds so that
    a noisy machine slows every contender alike."""
    best = [float("inf")] * len(fns)
    for fn in fns:
        if fn is not None:
            fn()
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            if fn is not None:
                best[i] = min(best[i], timeit.timeit(fn, number=number) / number)
    return [None if fn is None else b for fn, b in zip(fns, best)]


def import_time(module: str, runs: int = 7) -> float:
    """Median wall time of ``python -c 'import module'`` in a fresh process."""
    code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
    times = sorted(float(subprocess.check_output([sys.executable, "-c", code]))
                   for _ in range(runs))
    return times[len(times) // 2]


def main() -> None:
    import ember

    rng = np.random.default_rng(0)
    a_np = rng.standard_normal((8, 8)).astype(np.float32)
    b_np = rng.standard_normal((8, 8)).astype(np.float32)
    a, b = ember.constant(a_np), ember.constant(b_np)

    try:
        import torch
        torch.set_num_threads(1)
        ta, tb = torch.from_numpy(a_np), torch.from_numpy(b_np)
        ga = ta.clone().requires_grad_(True)
        gb = tb.clone().requires_grad_(True)
    except ImportError:
        torch = None

    rows = []

    def bench(name, np_fn, em_fn, em_tape_fn, t_fn, t_grad_fn):
        rows.append((name, *interleaved([np_fn, em_fn, em_tape_fn, t_fn, t_grad_fn])))

    tape = ember.GradientTape(persistent=True)
    va = ember.Variable(a_np)

    def taped(fn):
        def run():
            with ember.GradientTape() as t:
                t.watch(a)
                fn()
        return run

    def torch_grad(fn):
        def run():
            fn()
        return run

    bench("add 8x8", lambda: np.add(a_np, b_np), lambda: a + b, taped(lambda: a + b),
          (lambda: ta + tb) if torch else None, torch_grad(lambda: ga + gb) if torch else None)
    bench("matmul 8x8", lambda: np.matmul(a_np, b_np), lambda: ember.matmul(a, b),
          taped(lambda: ember.matmul(a, b)),
          (lambda: torch.matmul(ta, tb)) if torch else None,
          torch_grad(lambda: torch.matmul(ga, gb)) if torch else None)
    bench("tanh 8x8", lambda: np.tanh(a_np), lambda: ember.tanh(a), taped(lambda: ember.tanh(a)),
          (lambda: torch.tanh(ta)) if torch else None,
          torch_grad(lambda: torch.tanh(ga)) if torch else None)
    # tape-entry cost alone, so the taped rows can be read as op + record
    enter = interleaved([taped(lambda: None)])[0]
    del tape, va

    print(f"{'op':<12}{'numpy':>10}{'ember':>10}{'ember+tape':>12}{'torch':>10}"
          f"{'torch+grad':>12}{'ember/torch':>13}{'tape/grad':>11}")
    for name, n, e, et, t, tg in rows:
        et_op = et - enter  # the op under a recording tape, without entering the tape
        ratio = f"{e / t:.2f}" if t else "n/a"
        gratio = f"{et_op / tg:.2f}" if tg else "n/a"
        fmt = (lambda s: f"{s * 1e6:.2f}us" if s is not None else "n/a")
        print(f"{name:<12}{fmt(n):>10}{fmt(e):>10}{fmt(et_op):>12}{fmt(t):>10}{fmt(tg):>12}"
              f"{ratio:>13}{gratio:>11}")
    print(f"(entering and leaving a GradientTape: {enter * 1e6:.2f}us, not counted above)")

    t_np = import_time("numpy")
    t_em = import_time("ember")
    print(f"import numpy {t_np * 1e3:.0f} ms, import ember {t_em * 1e3:.0f} ms: "
          f"ember adds {(t_em - t_np) * 1e3:.0f} ms (target <= 150 ms)")


if __name__ == "__main__":
    main()
