"""Every op of the op tables, compiled with ember.function, equals the eager op.

Each case is traced on one input and then run (without tracing) on a second, different
input: a value read at trace time and frozen into the graph would show up as a mismatch
on the second call. Gradients are compared the same way, computed by a GradientTape
inside the compiled function.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import ember
from opcheck import OpCase, inputs_for

OPS_DIR = Path(__file__).resolve().parents[1] / "ops"


def _collect() -> list[OpCase]:
    cases: dict[str, OpCase] = {}
    for path in sorted(OPS_DIR.rglob("test_*.py")):
        spec = importlib.util.spec_from_file_location(f"_ops_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for value in vars(module).values():
            if isinstance(value, (list, tuple)) and value and all(
                    isinstance(c, OpCase) for c in value):
                for c in value:
                    cases.setdefault(f"{path.stem[5:]}.{c.name}", c)
    return [c for _, c in sorted(cases.items())]


CASES = _collect()
IDS = [f"{c.name}" for c in CASES]


def _np(x):
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def _flat(out):
    return [_np(o) for o in ember.nest.flatten(out)]


def _assert_same(got, want, name):
    got, want = _flat(got), _flat(want)
    assert len(got) == len(want), name
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype, (name, g.shape, w.shape)
        if g.dtype.kind in "fc":
            np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-7, err_msg=name)
        else:
            np.testing.assert_array_equal(g, w, err_msg=name)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_compiled_values_equal_eager(case: OpCase):
    dtype = case.dtypes[-1]
    compiled = ember.function(case.fn)
    for seed in (0, 1):
        arrays = inputs_for(case, dtype, seed=seed)
        want = case.fn(*[ember.constant(a) for a in arrays])
        got = compiled(*[ember.constant(a) for a in arrays])
        _assert_same(got, want, case.name)
    assert compiled.experimental_get_tracing_count() == 1


def _grad_fn(case: OpCase, n_inputs: int):
    def grads(*xs):
        argnums = case.grad_argnums
        if argnums is None:
            argnums = [i for i, x in enumerate(xs) if x.dtype.is_floating]
        with ember.GradientTape() as tape:
            for i in argnums:
                tape.watch(xs[i])
            out = case.fn(*xs)
            if case.output_index is not None:
                out = out[case.output_index]
            total = ember.add_n([ember.reduce_sum(ember.sin(ember.cast(o, xs[argnums[0]].dtype)))
                                 for o in ember.nest.flatten(out)])
        return tape.gradient(total, [xs[i] for i in argnums])
    return grads


GRAD_CASES = [c for c in CASES if c.grad]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c.name for c in GRAD_CASES])
def test_compiled_gradients_equal_eager(case: OpCase):
    dtype = "float64" if "float64" in case.dtypes else case.dtypes[-1]
    grads = _grad_fn(case, len(case.shapes))
    compiled = ember.function(grads)
    for seed in (0, 1):
        arrays = inputs_for(case, dtype, seed=seed)
        want = grads(*[ember.constant(a) for a in arrays])
        got = compiled(*[ember.constant(a) for a in arrays])
        _assert_same([g for g in got if g is not None], [w for w in want if w is not None],
                     case.name)
