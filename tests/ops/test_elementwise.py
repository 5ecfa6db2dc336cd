import numpy as np
import pytest

import ember
from opcheck import OpCase, check_grad, check_second_order, check_values

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


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_values(case):
    check_values(case)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad], ids=lambda c: c.name)
def test_gradient(case):
    check_grad(case)


@pytest.mark.parametrize("case", [c for c in CASES if c.second_order], ids=lambda c: c.name)
def test_second_order(case):
    check_second_order(case)
