"""The table-driven op harness: values against NumPy, gradients against finite differences.

A test file lists ``OpCase`` rows and runs them through ``check_values``, ``check_grad``
and ``check_second_order``::

    CASES = [OpCase("tanh", ember.tanh, np.tanh, [(3, 4)], second_order=True)]

    @pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
    def test_values(case): check_values(case)
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

import ember


@dataclass
class OpCase:
    name: str
    fn: Callable                    # ember op: fn(*tensors) -> Tensor (or list/tuple)
    ref: Callable | None            # NumPy reference: ref(*arrays) -> array(s)
    shapes: Sequence[tuple]         # one shape per input
    domain: tuple = (-2.0, 2.0)     # inputs drawn uniformly from here ...
    make_inputs: Callable | None = None  # ... unless this builds them: rng -> [arrays]
    grad: bool = True               # check first-order gradients
    second_order: bool = False      # check gradients of gradients
    grad_argnums: Sequence[int] | None = None  # which inputs to differentiate (default all float)
    rtol: float = 1e-5
    atol: float = 1e-6
    grad_rtol: float = 1e-5
    grad_atol: float = 1e-6
    dtypes: Sequence[str] = ("float32", "float64")
    eps: float = 1e-6
    output_index: int | None = None  # for ops that return several tensors: which to check
    extra: dict = field(default_factory=dict)


def inputs_for(case: OpCase, dtype: str, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    if case.make_inputs is not None:
        arrays = case.make_inputs(rng)
        return [a.astype(dtype) if np.asarray(a).dtype.kind == "f" else a for a in arrays]
    lo, hi = case.domain
    return [rng.uniform(lo, hi, size=s).astype(dtype) for s in case.shapes]


def _pick(out, case):
    if case.output_index is not None:
        return out[case.output_index]
    return out


def _np(x):
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


def check_values(case: OpCase) -> None:
    """The op's values equal the NumPy reference in every listed dtype."""
    for dtype in case.dtypes:
        arrays = inputs_for(case, dtype)
        got = case.fn(*[ember.constant(a) for a in arrays])
        want = case.ref(*arrays)
        got, want = _pick(got, case), _pick(want, case)
        if isinstance(want, (list, tuple)):
            assert len(got) == len(want), case.name
            pairs = list(zip(got, want))
        else:
            pairs = [(got, want)]
        tol = 1e-4 if dtype == "float32" else case.rtol
        for g, w in pairs:
            g = _np(g)
            w = np.asarray(w)
            assert g.shape == w.shape, f"{case.name}: shape {g.shape} != reference {w.shape}"
            if w.dtype.kind == "f" and dtype in ("float32", "float64"):
                assert g.dtype == np.dtype(dtype), f"{case.name}: dtype {g.dtype} != {dtype}"
            np.testing.assert_allclose(g, w, rtol=max(tol, case.rtol),
                                       atol=max(case.atol, 1e-5 if dtype == "float32" else 0),
                                       err_msg=f"{case.name} [{dtype}]")


def _scalar_objective(case, arrays, cotangent_seed=1):
    """sum(output * fixed random cotangent), as a function of the input arrays."""
    cache = {}

    def objective(*tensors):
        out = _pick(case.fn(*tensors), case)
        outs = out if isinstance(out, (list, tuple)) else [out]
        total = None
        for k, o in enumerate(outs):
            if o.dtype.is_integer or o.dtype.is_bool:
                continue
            if k not in cache:
                r = np.random.default_rng(cotangent_seed + k)
                cache[k] = r.uniform(0.5, 1.5, size=tuple(o.shape)).astype(np.float64)
            term = ember.reduce_sum(o * ember.constant(cache[k]))
            total = term if total is None else total + term
        return total
    return objective


def _argnums(case, arrays):
    if case.grad_argnums is not None:
        return list(case.grad_argnums)
    return [i for i, a in enumerate(arrays) if np.asarray(a).dtype.kind == "f"]


def numeric_grad(f: Callable, arrays: list, i: int, eps: float) -> np.ndarray:
    """Central finite differences of scalar ``f`` w.r.t. ``arrays[i]``."""
    x = arrays[i].astype(np.float64).copy()
    g = np.zeros_like(x)
    flat = x.reshape(-1)
    gflat = g.reshape(-1)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + eps
        args = [ember.constant(x.copy()) if j == i else ember.constant(a)
                for j, a in enumerate(arrays)]
        fp = float(f(*args))
        flat[k] = old - eps
        args = [ember.constant(x.copy()) if j == i else ember.constant(a)
                for j, a in enumerate(arrays)]
        fm = float(f(*args))
        flat[k] = old
        gflat[k] = (fp - fm) / (2 * eps)
    return g


def check_grad(case: OpCase) -> None:
    """Tape gradients equal central finite differences, in float64."""
    arrays = inputs_for(case, "float64")
    f = _scalar_objective(case, arrays)
    argnums = _argnums(case, arrays)
    tensors = [ember.constant(a) for a in arrays]
    with ember.GradientTape() as tape:
        for i in argnums:
            tape.watch(tensors[i])
        y = f(*tensors)
    grads = tape.gradient(y, [tensors[i] for i in argnums])
    for i, g in zip(argnums, grads):
        num = numeric_grad(f, arrays, i, case.eps)
        assert g is not None, f"{case.name}: no gradient for input {i}"
        assert tuple(g.shape) == arrays[i].shape, f"{case.name}: grad shape {g.shape}"
        np.testing.assert_allclose(g.numpy(), num, rtol=case.grad_rtol, atol=case.grad_atol,
                                   err_msg=f"{case.name}: gradient of input {i}")


def check_second_order(case: OpCase) -> None:
    """Gradients of gradients (nested tapes) equal finite differences of the gradient."""
    arrays = inputs_for(case, "float64")
    f = _scalar_objective(case, arrays)
    argnums = _argnums(case, arrays)
    rng = np.random.default_rng(7)
    vs = {i: rng.uniform(0.5, 1.5, size=arrays[i].shape) for i in argnums}

    def grad_dot_v(*tensors):
        with ember.GradientTape() as inner:
            for i in argnums:
                inner.watch(tensors[i])
            y = f(*tensors)
        gs = inner.gradient(y, [tensors[i] for i in argnums])
        total = ember.constant(0.0, dtype="float64")
        for i, g in zip(argnums, gs):
            if g is not None:
                total = total + ember.reduce_sum(g * ember.constant(vs[i]))
        return total

    tensors = [ember.constant(a) for a in arrays]
    with ember.GradientTape() as outer:
        for i in argnums:
            outer.watch(tensors[i])
        h = grad_dot_v(*tensors)
    hs = outer.gradient(h, [tensors[i] for i in argnums])
    for i, hv in zip(argnums, hs):
        num = numeric_grad(grad_dot_v, arrays, i, 1e-5)
        got = np.zeros_like(num) if hv is None else hv.numpy()
        np.testing.assert_allclose(got, num, rtol=1e-4, atol=1e-5,
                                   err_msg=f"{case.name}: second-order gradient, input {i}")




def check_fused_and_op_backward_agree(case: OpCase) -> None:
    """An op whose backward pass is one fused op when no tape records it and Ember ops
    under an outer tape (so that it is differentiable again): both give the same
    first-order gradients, in float64."""
    arrays = inputs_for(case, "float64")
    f = _scalar_objective(case, arrays)
    ts = [ember.constant(a) for a in arrays]
    sources = [ts[i] for i in _argnums(case, arrays)]

    def grads():
        with ember.GradientTape() as tape:
            tape.watch(sources)
            y = f(*ts)
        return tape.gradient(y, sources)
    fused = grads()
    with ember.GradientTape():          # an outer tape: the backward runs in Ember ops
        composite = grads()
    for a, b in zip(fused, composite):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=case.name)


def table_tests(cases: Sequence[OpCase]) -> tuple:
    """The three standard tests of a table of cases, for a test module to bind::

        test_values, test_gradient, test_second_order = table_tests(CASES)

    values for every case, first-order gradients where ``grad``, second order where
    ``second_order``; each case is its own test, named by the case.
    """
    import pytest

    ids = lambda c: c.name

    @pytest.mark.parametrize("case", list(cases), ids=ids)
    def test_values(case):
        check_values(case)

    @pytest.mark.parametrize("case", [c for c in cases if c.grad], ids=ids)
    def test_gradient(case):
        check_grad(case)

    @pytest.mark.parametrize("case", [c for c in cases if c.second_order], ids=ids)
    def test_second_order(case):
        check_second_order(case)

    return test_values, test_gradient, test_second_order
