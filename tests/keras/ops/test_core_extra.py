"""keras.ops core extras: values vs NumPy (and constants checked against Keras 3.15),
dtypes, gradients vs finite differences, symbolic use in a functional model, errors."""
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember import keras
from ember.keras.ops import core_extra as C

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from opcheck import OpCase, check_grad, check_second_order

rng = np.random.default_rng(0)
A = rng.normal(size=(3, 4)).astype("float32")


def _np(x):
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


def _add(a, b):
    return a + b


def _mul(a, b):
    return a * b


def _at(ufunc, x, idx, u):
    out = np.array(x, copy=True)
    ufunc.at(out, tuple(np.asarray(idx).T), u)
    return out


IDX = np.array([[0], [2], [0], [3]], "int32")
IDX2 = np.array([[0, 1], [1, 2], [0, 1]], "int32")
U4 = np.array([5.0, 7.0, -1.0, 2.0], "float32")
TWO = ember.constant(2.0)

VALUES = [  # (id, call, reference)
    ("associative_scan_int", lambda: C.associative_scan(_add, np.arange(5, dtype="int32")),
     lambda: np.array([0, 1, 3, 6, 10], "int32")),               # Keras 3.15 (jax)
    ("associative_scan_reverse", lambda: C.associative_scan(_add, np.arange(5.0, dtype="float32"),
                                                             reverse=True),
     lambda: np.array([10.0, 10.0, 9.0, 7.0, 4.0], "float32")),
    ("associative_scan_axis1", lambda: C.associative_scan(_mul, A, axis=1),
     lambda: np.cumprod(A, axis=1)),
    ("associative_scan_axis_neg", lambda: C.associative_scan(_add, A, axis=-2),
     lambda: np.cumsum(A, axis=0)),
    ("map", lambda: C.map(lambda x: x ** 2, np.arange(4, dtype="int32")),
     lambda: np.array([0, 1, 4, 9], "int32")),
    ("map_rows", lambda: C.map(lambda r: ember.reduce_max(r), A), lambda: A.max(1)),
    ("vectorized_map", lambda: C.vectorized_map(lambda x: x * 2, A), lambda: A * 2),
    ("vectorized_map_list", lambda: C.vectorized_map(lambda xs: xs[0] + xs[1], [A, A * 3]),
     lambda: A * 4),
    ("scatter", lambda: C.scatter([[0, 1], [1, 1], [0, 1]], np.array([1.0, 2.0, 3.0], "float32"),
                                  (2, 2)),
     lambda: np.array([[0.0, 4.0], [0.0, 2.0]], "float32")),      # duplicates add
    ("scatter_slices", lambda: C.scatter([[1]], np.array([[1.0, 2.0]], "float32"), (2, 2)),
     lambda: np.array([[0.0, 0.0], [1.0, 2.0]], "float32")),
    ("scatter_int", lambda: C.scatter([[1]], np.array([5], "int32"), (3,)),
     lambda: np.array([0, 5, 0], "int32")),
    ("scatter_update", lambda: C.scatter_update(np.zeros((2, 3), "float32"), [[0, 1], [1, 2]],
                                                np.array([5.0, 6.0], "float32")),
     lambda: np.array([[0, 5, 0], [0, 0, 6]], "float32")),
    ("scatter_update_slices", lambda: C.scatter_update(A, [[2], [0]], A[:2] * 10),
     lambda: np.stack([A[1] * 10, A[1], A[0] * 10])),
    ("scatter_update_cast", lambda: C.scatter_update(np.zeros(3, "int32"), [[0], [1]],
                                                     np.array([5.7, 6.2], "float32")),
     lambda: np.array([5, 6, 0], "int32")),                        # Keras 3.15
    ("scatter_update_add", lambda: C.scatter_update(np.ones(5, "float32"), IDX, U4, "add"),
     lambda: _at(np.add, np.ones(5, "float32"), IDX, U4)),
    ("scatter_update_max", lambda: C.scatter_update(np.ones(5, "float32"), IDX, U4, "max"),
     lambda: _at(np.maximum, np.ones(5, "float32"), IDX, U4)),
    ("scatter_update_min", lambda: C.scatter_update(np.ones(5, "float32"), IDX, U4, "MIN"),
     lambda: _at(np.minimum, np.ones(5, "float32"), IDX, U4)),
    ("scatter_update_mul", lambda: C.scatter_update(np.full(5, 2.0, "float32"), IDX, U4, "mul"),
     lambda: _at(np.multiply, np.full(5, 2.0, "float32"), IDX, U4)),
    ("scatter_update_max_2d", lambda: C.scatter_update(A[:2, :3], IDX2, U4[:3], "max"),
     lambda: _at(np.maximum, A[:2, :3], IDX2, U4[:3])),
    ("scatter_update_int_max", lambda: C.scatter_update(np.arange(4), [[1], [1]], [7, 9], "max"),
     lambda: np.array([0, 9, 2, 3])),
    ("switch", lambda: C.switch(1, [lambda x, y: x + y, lambda x, y: x - y], TWO, np.float32(0.5)),
     lambda: np.float32(1.5)),
    ("switch_clamp_high", lambda: C.switch(5, [lambda x: x + 1, lambda x: x * 10], TWO),
     lambda: np.float32(20.0)),                                    # Keras 3.15
    ("switch_clamp_low", lambda: C.switch(-3, [lambda x: x + 1, lambda x: x * 10], TWO),
     lambda: np.float32(3.0)),
    ("switch_tensor_index", lambda: C.switch(ember.constant(0), [lambda x: x + 1], TWO),
     lambda: np.float32(3.0)),
    ("saturate_cast_uint8", lambda: C.saturate_cast(
        np.array([-1.0, 256.0, 3.7, np.inf, -np.inf, np.nan], "float32"), "uint8"),
     lambda: np.array([0, 255, 3, 255, 0, 0], "uint8")),          # Keras 3.15 (jax)
    ("saturate_cast_int32", lambda: C.saturate_cast(np.array([-1e10, 1e10, 3.7], "float32"),
                                                    "int32"),
     lambda: np.array([-2147483648, 2147483647, 3], "int32")),   # Keras 3.15 (jax)
    ("saturate_cast_int64", lambda: C.saturate_cast(np.array([1e30, -1e30], "float32"), "int64"),
     lambda: np.array([2 ** 63 - 1, -2 ** 63], "int64")),
    ("saturate_cast_float16", lambda: C.saturate_cast(
        np.array([-1e10, 1e10, 3.7, np.inf], "float32"), "float16"),
     lambda: np.array([-65504.0, 65504.0, 3.7, 65504.0], "float16")),
    ("saturate_cast_int8", lambda: C.saturate_cast(np.array([-1000, 1000, 3], "int64"), "int8"),
     lambda: np.array([-128, 127, 3], "int8")),
    ("saturate_cast_bool", lambda: C.saturate_cast(np.array([-1.0, 0.2, 3.0], "float32"), "bool"),
     lambda: np.array([False, True, True])),                      # Keras 3.15
    ("saturate_cast_uint8_int8", lambda: C.saturate_cast(np.array([0, 200], "uint8"), "int8"),
     lambda: np.array([0, 127], "int8")),
    ("unstack_axis1", lambda: np.stack([_np(v) for v in C.unstack(A, axis=1)]), lambda: A.T),
    ("unstack_num", lambda: np.stack([_np(v) for v in C.unstack(A, num=3)]), lambda: A),
]


@pytest.mark.parametrize("call,ref", [c[1:] for c in VALUES], ids=[c[0] for c in VALUES])
def test_values_match_reference(call, ref):
    got, want = _np(call()), np.asarray(ref())
    assert got.shape == want.shape
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_associative_scan_nests_and_dtype():
    xs = [np.arange(1.0, 6.0, dtype="float32"), np.arange(1.0, 6.0, dtype="float32")]
    got = C.associative_scan(lambda a, b: [a[0] + b[0], a[1] * b[1]], xs)
    assert isinstance(got, list)
    np.testing.assert_allclose(_np(got[0]), np.cumsum(xs[0]))
    np.testing.assert_allclose(_np(got[1]), np.cumprod(xs[1]))
    d = C.associative_scan(lambda a, b: {"s": a["s"] + b["s"]}, {"s": np.ones(3, "int32")})
    assert d["s"].dtype == ember.int32 and _np(d["s"]).tolist() == [1, 2, 3]


@settings(max_examples=20, deadline=None)
@given(n=st.integers(0, 11), lead=st.integers(1, 3), axis=st.sampled_from([0, 1, -1]),
       reverse=st.booleans())
def test_associative_scan_any_length(n, lead, axis, reverse):
    x = np.random.default_rng(n).normal(size=(lead, n) if axis else (n, lead))
    ax = 1 if axis else 0
    want = np.flip(np.cumsum(np.flip(x, ax), ax), ax) if reverse else np.cumsum(x, ax)
    got = C.associative_scan(_add, x, reverse=reverse, axis=ax if axis != -1 else -1)
    np.testing.assert_allclose(_np(got), want, rtol=1e-10, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), k=st.integers(1, 6),
       reduction=st.sampled_from([None, "add", "max", "min", "mul"]))
def test_scatter_update_matches_numpy(shape, k, reduction):
    r = np.random.default_rng(k + 10 * len(shape))
    depth = int(r.integers(1, len(shape) + 1))
    x = r.normal(size=shape)
    idx = np.stack([r.integers(0, d, size=k) for d in shape[:depth]], -1).astype("int32")
    if reduction is None:   # one winner per target: keep the targets distinct
        _, first = np.unique(idx, axis=0, return_index=True)
        idx = idx[np.sort(first)]
    u = r.normal(size=(len(idx),) + tuple(shape[depth:]))
    got = _np(C.scatter_update(x, idx, u, reduction=reduction))
    want = x.copy()
    key = tuple(idx.T)
    if reduction is None:
        want[key] = u
    else:
        {"add": np.add, "max": np.maximum, "min": np.minimum,
         "mul": np.multiply}[reduction].at(want, key, u)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    values = _np(C.scatter(idx, u, tuple(shape)))
    ref = np.zeros(shape)
    np.add.at(ref, key, u)
    np.testing.assert_allclose(values, ref, rtol=1e-12)


GRADS = [
    OpCase("associative_scan_add", lambda x: C.associative_scan(_add, x, axis=1), None,
           [(2, 7)], second_order=True),
    OpCase("associative_scan_mul_reverse", lambda x: C.associative_scan(_mul, x, reverse=True),
           None, [(6, 2)], second_order=True),
    OpCase("associative_scan_nested", lambda x, y: C.associative_scan(
        lambda a, b: (a[0] + b[0], a[1] * b[1] + b[0]), (x, y)), None, [(5,), (5,)]),
    OpCase("map", lambda x: C.map(lambda r: ember.reduce_sum(r * r), x), None, [(3, 2)],
           second_order=True),
    OpCase("vectorized_map", lambda x, y: C.vectorized_map(lambda e: e[0] * ember.sin(e[1]),
                                                           [x, y]), None, [(3, 2), (3, 2)]),
    OpCase("scatter", lambda v: C.scatter(IDX, v, (5,)), None, [(4,)], second_order=True),
    OpCase("scatter_slices", lambda v: C.scatter(np.array([[1], [0], [1]], "int32"), v, (3, 2)),
           None, [(3, 2)]),
    OpCase("scatter_update", lambda x, u: C.scatter_update(x, IDX2[:2], u), None,
           [(2, 3), (2,)]),
    OpCase("scatter_update_add", lambda x, u: C.scatter_update(x, IDX, u, reduction="add"),
           None, [(5,), (4,)], second_order=True),
    OpCase("scatter_update_max", lambda x, u: C.scatter_update(x, IDX, u, reduction="max"),
           None, [(5,), (4,)], second_order=True),
    OpCase("scatter_update_min", lambda x, u: C.scatter_update(x, IDX2, u, reduction="min"),
           None, [(2, 3), (3,)], second_order=True),
    OpCase("scatter_update_max_slices", lambda x, u: C.scatter_update(
        x, np.array([[1], [0], [1]], "int32"), u, reduction="max"), None, [(2, 3), (3, 3)]),
    OpCase("scatter_update_mul", lambda x, u: C.scatter_update(x, IDX, u, reduction="mul"),
           None, [(5,), (4,)], second_order=True),
    OpCase("scatter_update_mul_one_zero", lambda x, u: C.scatter_update(
        x, IDX, u * ember.constant(np.array([0.0, 1, 1, 1])), reduction="mul"), None,
        [(5,), (4,)]),
    OpCase("scatter_update_mul_two_zeros", lambda x, u: C.scatter_update(
        x, IDX, u * ember.constant(np.array([0.0, 1, 0, 1])), reduction="mul"), None,
        [(5,), (4,)]),
    OpCase("unstack", lambda x: C.unstack(x, axis=1), None, [(2, 3)]),
    OpCase("switch", lambda x: C.switch(1, [lambda v: v, lambda v: ember.sin(v) * v], x),
           None, [(3,)], second_order=True),
]


@pytest.mark.parametrize("case", GRADS, ids=lambda c: c.name)
def test_gradients_match_finite_differences(case):
    check_grad(case)
    if case.second_order:
        check_second_order(case)


def test_saturate_cast_gradient_passes_inside_the_range_only():
    x = ember.constant(np.array([-1e300, 0.5, 1e300, 2.0]))
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = C.saturate_cast(x, "float32")
    assert y.dtype == ember.float32
    np.testing.assert_allclose(_np(tape.gradient(y, x)), [0.0, 1.0, 0.0, 1.0])


def test_switch_with_traced_index():
    branches = [lambda v: v + 1.0, lambda v: v * 10.0, lambda v: v - 100.0]
    f = ember.function(lambda i, v: C.switch(i, branches, v))
    got = [float(f(ember.constant(i), ember.constant(2.0))) for i in (-1, 0, 1, 2, 9)]
    assert got == [3.0, 3.0, 20.0, -98.0, -98.0]


def test_custom_gradient_styles():
    def make(style):
        @C.custom_gradient
        def clip_grad(x):
            if style == "tf":
                def grad(upstream):
                    return ember.clip_by_value(upstream, -1.0, 1.0)
            elif style == "agnostic":
                def grad(*args, upstream=None):
                    if upstream is None:
                        (upstream,) = args
                    return ember.clip_by_value(upstream, -1.0, 1.0)
            else:   # PyTorch style: the inputs and upstream=
                def grad(*args, upstream):
                    assert len(args) == 1 and float(args[0]) == 3.0
                    return ember.clip_by_value(upstream, -1.0, 1.0)
            return x * 2.0, grad
        return clip_grad

    for style in ("tf", "agnostic", "torch"):
        x = ember.constant(3.0)
        with ember.GradientTape() as tape:
            tape.watch(x)
            y = make(style)(x) * 5.0
        assert float(y) == 30.0
        assert float(tape.gradient(y, x)) == 1.0, style


def test_dtype():
    assert C.dtype(np.zeros(2)) == "float64"
    assert C.dtype(keras.ops.zeros((8, 12))) == "float32"
    assert C.dtype(keras.Input((2,), dtype="int32")) == "int32"
    assert C.dtype(3.0) == "float32"
    assert C.dtype(ember.Variable([1, 2])) == "int32"


def test_symbolic_functional_model():
    x = keras.Input((3, 4))
    parts = C.unstack(x, axis=1)
    scan = C.associative_scan(_add, x, axis=2)
    upd = C.scatter_update(x, [[0, 1]], keras.ops.ones((1, 4)) * 7.0)
    sat = C.saturate_cast(x * 100.0, "int8")
    mapped = C.map(lambda r: keras.ops.sum(r, axis=-1), x)
    assert [p.shape for p in parts] == [(None, 4)] * 3
    assert scan.shape == (None, 3, 4) and sat.dtype == "int8" and mapped.shape == (None, 3)
    model = keras.Model(x, parts + [scan, upd, sat, mapped])
    data = rng.normal(size=(2, 3, 4)).astype("float32")
    got = model(data)
    want = [data[:, i] for i in range(3)] + [np.cumsum(data, 2)]
    upd_ref = data.copy()
    upd_ref[0, 1] = 7.0
    want += [upd_ref, np.clip(data * 100, -128, 127).astype("int8"), data.sum(-1)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(_np(g), w, rtol=1e-5, atol=1e-5)


def test_clear_errors():
    with pytest.raises(ValueError, match="keras.ops.scatter_update: Invalid reduction: foo"):
        C.scatter_update(np.ones(3), [[0]], [1.0], reduction="foo")
    with pytest.raises(ValueError, match="keras.ops.scatter_update: `updates` must have shape"):
        C.scatter_update(np.ones(3), [[0], [1]], [1.0])
    with pytest.raises(TypeError, match="keras.ops.scatter_update: `indices` must be integers"):
        C.scatter_update(np.ones(3), [[0.5]], [1.0])
    with pytest.raises(ValueError, match="keras.ops.scatter: `values`"):
        C.scatter([[0], [1]], [1.0, 2.0, 3.0], (3,))
    with pytest.raises(ValueError, match="same first dimension"):
        C.associative_scan(lambda a, b: [a[0] + b[0], a[1] + b[1]], [np.ones(3), np.ones(4)])
    with pytest.raises(TypeError, match="keras.ops.associative_scan: `f` should be a callable"):
        C.associative_scan(None, np.ones(3))
    with pytest.raises(ValueError, match="keras.ops.unstack: num=2"):
        C.unstack(A, num=2)
    with pytest.raises(ValueError, match="keras.ops.switch: `branches`"):
        C.switch(0, [], 1.0)
    with pytest.raises(TypeError, match="keras.ops.switch: `index` must be an integer scalar"):
        C.switch(np.float32(0.5), [lambda: 1.0])
    with pytest.raises(TypeError, match="keras.ops.map: `f`"):
        C.map(3, A)
