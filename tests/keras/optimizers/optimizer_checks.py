"""Shared helpers for the optimizer tests: run an optimizer for a few steps on fixed
gradients, and compare with a NumPy re-statement of its update rule."""
import numpy as np

import ember
from ember.keras.variables import KerasVariable

SHAPES = [(3, 2), (2,)]


def _make_case(seed=0, steps=4):
    rng = np.random.default_rng(seed)
    w0 = [rng.normal(size=s).astype(np.float32) for s in SHAPES]
    grads = [[rng.normal(size=s).astype(np.float32) for s in SHAPES] for _ in range(steps)]
    return w0, grads


def run_optimizer(opt, w0, grads):
    """Apply ``grads`` (a list of per-step gradient lists) to variables starting at
    ``w0``; returns the variables' values after each step (float64 arrays)."""
    variables = [KerasVariable(w, name=f"w{i}", path=f"layer/w{i}") for i, w in enumerate(w0)]
    history = []
    for step in grads:
        opt.apply_gradients(zip([ember.constant(g) for g in step], variables))
        history.append([np.array(v.numpy(), dtype=np.float64) for v in variables])
    return history


def check_against(opt, reference, seed=0, steps=4, rtol=2e-5, atol=1e-6):
    """``reference(w, grads)`` (NumPy, one variable) must match the optimizer step by step."""
    w0, grads = _make_case(seed, steps)
    got = run_optimizer(opt, w0, grads)
    for i in range(len(SHAPES)):
        want = reference(w0[i].astype(np.float64), [g[i].astype(np.float64) for g in grads])
        assert len(want) == steps
        for step in range(steps):
            np.testing.assert_allclose(got[step][i], want[step], rtol=rtol, atol=atol,
                                       err_msg=f"variable {i}, step {step + 1}")


def quadratic_descent(opt, steps=60):
    """Minimise ``sum((w - target)^2)`` with a hand-written GradientTape loop;
    returns (first loss, last loss)."""
    target = ember.constant(np.array([[1.0, -2.0], [0.5, 3.0]], np.float32))
    w = KerasVariable(np.zeros((2, 2), np.float32), name="w", path="quad/w")
    losses = []
    for _ in range(steps):
        with ember.GradientTape() as tape:
            loss = ember.reduce_sum(ember.square(w - target))
        grad = tape.gradient(loss, w)
        opt.apply_gradients([(grad, w)])
        losses.append(float(loss))
    return losses[0], losses[-1]
