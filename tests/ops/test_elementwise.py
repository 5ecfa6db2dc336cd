import numpy as np
import pytest

import ember
from opcheck import OpCase, table_tests

S = (3, 4)
pos = (0.2, 2.0)
unit = (-0.9, 0.9)


def _erf(x):
    import math
    return np.vectorize(math.erf, otypes=[x.dtype])(x)


CASES = [
    OpCase("add", ember.add, np.add, [S, S], second_order=True),
    OpCase("add_broadcast", ember.add, np.add, [S, (4,)]),
    OpCase("subtract", ember.subtract, np.subtract, [(2, 1, 4), (3, 1)]),
    OpCase("multiply", ember.multiply, np.multiply, [S, (1, 4)], second_order=True),
    OpCase("divide", ember.divide, np.divide, [S, S], make_inputs=lambda r: [
        r.uniform(-2, 2, S), r.uniform(0.5, 2, S) * r.choice([-1, 1], S)], second_order=True),
    OpCase("pow", ember.pow, np.power, [S, S], make_inputs=lambda r: [
        r.uniform(0.5, 2, S), r.uniform(-2, 2, S)], second_order=True),
    OpCase("negative", ember.negative, np.negative, [S], second_order=True),
    OpCase("abs", ember.abs, np.abs, [S]),
    OpCase("exp", ember.exp, np.exp, [S], second_order=True),
    OpCase("expm1", ember.math.expm1, np.expm1, [S], second_order=True),
    OpCase("log", ember.math.log, np.log, [S], domain=pos, second_order=True),
    OpCase("log1p", ember.math.log1p, np.log1p, [S], domain=pos, second_order=True),
    OpCase("sqrt", ember.sqrt, np.sqrt, [S], domain=pos, second_order=True),
    OpCase("rsqrt", ember.math.rsqrt, lambda x: 1 / np.sqrt(x), [S], domain=pos,
           second_order=True),
    OpCase("square", ember.square, np.square, [S], second_order=True),
    OpCase("reciprocal", ember.math.reciprocal, np.reciprocal, [S], domain=pos,
           second_order=True),
    OpCase("sin", ember.sin, np.sin, [S], second_order=True),
    OpCase("cos", ember.cos, np.cos, [S], second_order=True),
    OpCase("tan", ember.tan, np.tan, [S], domain=unit, second_order=True),
    OpCase("asin", ember.asin, np.arcsin, [S], domain=unit, second_order=True),
    OpCase("acos", ember.acos, np.arccos, [S], domain=unit, second_order=True),
    OpCase("atan", ember.atan, np.arctan, [S], second_order=True),
    OpCase("atan2", ember.math.atan2, np.arctan2, [S, S], domain=pos, second_order=True),
    OpCase("sinh", ember.sinh, np.sinh, [S], second_order=True),
    OpCase("cosh", ember.cosh, np.cosh, [S], second_order=True),
    OpCase("tanh", ember.tanh, np.tanh, [S], second_order=True),
    OpCase("asinh", ember.asinh, np.arcsinh, [S], second_order=True),
    OpCase("acosh", ember.acosh, np.arccosh, [S], domain=(1.5, 3.0), second_order=True),
    OpCase("atanh", ember.atanh, np.arctanh, [S], domain=unit, second_order=True),
    OpCase("sigmoid", ember.sigmoid, lambda x: 1 / (1 + np.exp(-x)), [S], domain=(-6, 6),
           second_order=True),
    OpCase("erf", ember.math.erf, _erf, [S], second_order=True),
    OpCase("maximum", ember.maximum, np.maximum, [S, S]),
    OpCase("minimum", ember.minimum, np.minimum, [S, (4,)]),
    OpCase("clip_by_value", lambda x: ember.clip_by_value(x, -1.0, 1.0),
           lambda x: np.clip(x, -1, 1), [S]),
    OpCase("floormod", ember.math.floormod, np.mod, [S, S], make_inputs=lambda r: [
        r.uniform(-3, 3, S), r.uniform(0.7, 2, S)]),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


# -- broadcasting, drawn with hypothesis -----------------------------------------------------
from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

BINARY = [("add", ember.add, np.add), ("subtract", ember.subtract, np.subtract),
          ("multiply", ember.multiply, np.multiply), ("maximum", ember.maximum, np.maximum),
          ("minimum", ember.minimum, np.minimum), ("atan2", ember.math.atan2, np.arctan2)]


@settings(max_examples=30, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=4),
       which=st.sampled_from(BINARY), seed=st.integers(0, 2 ** 16))
def test_binary_broadcasting_values_and_gradient_shapes(shapes, which, seed):
    name, fn, ref = which
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.5, 2.0, shapes.input_shapes[0])
    b = rng.uniform(0.5, 2.0, shapes.input_shapes[1])
    ta, tb = ember.constant(a), ember.constant(b)
    with ember.GradientTape() as tape:
        tape.watch([ta, tb])
        out = fn(ta, tb)
        loss = ember.reduce_sum(out)
    assert out.shape == shapes.result_shape
    np.testing.assert_allclose(out.numpy(), ref(a, b), rtol=1e-12)
    ga, gb = tape.gradient(loss, [ta, tb])
    assert ga.shape == a.shape and gb.shape == b.shape


@pytest.mark.parametrize("name,fn", [(n, f) for n, f, _ in BINARY])
def test_non_broadcastable_shapes_name_the_op(name, fn):
    with pytest.raises(ValueError, match=rf"ember\.{name}.*\(2, 3\).*\(4,\)"):
        fn(ember.ones((2, 3)), ember.ones((4,)))


def test_logical_ops_require_bool():
    with pytest.raises(ValueError, match="ember.logical_and expects bool"):
        ember.logical_and(ember.constant([1.0]), ember.constant([0.0]))


def test_comparisons_and_predicates():
    x = ember.constant([1.0, np.nan, np.inf, -2.0])
    assert ember.math.is_nan(x).numpy().tolist() == [False, True, False, False]
    assert ember.math.is_inf(x).numpy().tolist() == [False, False, True, False]
    assert ember.math.is_finite(x).numpy().tolist() == [True, False, False, True]
    assert ember.greater(x, 0.0).numpy().tolist() == [True, False, True, False]
    assert ember.where(ember.constant([True, False]), 1.0, 2.0).numpy().tolist() == [1.0, 2.0]
    assert ember.where(ember.constant([[True, False], [False, True]])).numpy().tolist() == \
        [[0, 0], [1, 1]]
    assert ember.math.round(ember.constant([0.5, 1.5, 2.5])).numpy().tolist() == [0, 2, 2]
    assert ember.math.floor(ember.constant([-0.5])).numpy().tolist() == [-1.0]
    assert ember.math.ceil(ember.constant([-0.5])).numpy().tolist() == [0.0]
    assert ember.floordiv(ember.constant([7, -7]), 2).numpy().tolist() == [3, -4]
    assert ember.sign(ember.constant([-3.0, 0.0, 2.0])).numpy().tolist() == [-1, 0, 1]


def test_where_gradient_routes_by_condition():
    x = ember.constant([1.0, 2.0])
    y = ember.constant([3.0, 4.0])
    c = ember.constant([True, False])
    with ember.GradientTape() as tape:
        tape.watch([x, y])
        out = ember.reduce_sum(ember.where(c, x, y))
    gx, gy = tape.gradient(out, [x, y])
    assert gx.numpy().tolist() == [1.0, 0.0] and gy.numpy().tolist() == [0.0, 1.0]


def test_maximum_tie_goes_to_first_input():
    x = ember.constant([1.0])
    y = ember.constant([1.0])
    with ember.GradientTape() as tape:
        tape.watch([x, y])
        out = ember.maximum(x, y)
    gx, gy = tape.gradient(out, [x, y])
    assert float(gx[0]) == 1.0 and float(gy[0]) == 0.0


def test_int_inputs_to_transcendental_give_float32():
    assert ember.exp(ember.constant([1, 2])).dtype == ember.float32
    assert ember.sqrt(ember.constant(4)).dtype == ember.float32
