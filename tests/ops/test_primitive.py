"""The dispatch path every op shares: argument conversion, errors, recording."""
import subprocess
import sys

import numpy as np
import pytest

import ember
from ember.ops.primitive import primitive


def test_mixed_argument_kinds():
    v = ember.Variable([1.0, 2.0])
    out = ember.add(ember.add([1.0, 1.0], np.array([1.0, 1.0], np.float32)), v)
    np.testing.assert_allclose(out.numpy(), [3.0, 4.0])
    assert out.dtype == ember.float32


def test_backend_errors_are_renamed_with_shapes():
    with pytest.raises(ember.errors.InvalidArgumentError) as info:
        ember.multiply(ember.ones((2, 3)), ember.ones((3, 2)))
    msg = str(info.value)
    assert msg.startswith("ember.multiply:") and "(2, 3)" in msg and "(3, 2)" in msg


def test_errors_are_value_errors_for_plain_python():
    with pytest.raises(ValueError):
        ember.add(ember.ones((2,)), ember.ones((3,)))


def test_unconvertible_input_names_the_op():
    with pytest.raises(TypeError, match="ember.add"):
        ember.add(ember.ones((2,)), object())


def test_an_input_with_shape_and_dtype_attributes_that_is_no_array_is_named():
    """NumPy's module has ``shape`` and ``dtype`` attributes: the error still names the
    op and what it got, instead of failing while describing it."""
    with pytest.raises(TypeError, match=r"ember.add: .*got Python module"):
        ember.add(np, ember.ones((2,)))


def test_custom_primitive_with_vjp():
    @primitive
    def cube(xp, x):
        return x * x * x

    @cube.vjp
    def _(g, y, x):
        return g * 3.0 * x * x

    x = ember.constant(2.0)
    with ember.GradientTape() as t:
        t.watch(x)
        y = cube(x)
    assert float(y) == 8.0 and float(t.gradient(y, x)) == 12.0


def test_non_differentiable_ops_are_not_recorded():
    x = ember.constant([1.0, 2.0])
    with ember.GradientTape() as t:
        t.watch(x)
        y = ember.greater(x, 1.0)
    assert t._nodes == []
    assert y.dtype == ember.bool


def test_import_prints_nothing_and_loads_lazily():
    code = ("import sys, ember; "
            "print(sorted(m for m in sys.modules if m.startswith('ember.ops.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stderr == ""
    loaded = eval(out.stdout)
    assert "ember.ops.conv" not in loaded and "ember.ops.random" not in loaded
    silent = subprocess.run([sys.executable, "-c", "import ember"], capture_output=True,
                            text=True, check=True)
    assert silent.stdout == "" and silent.stderr == ""
