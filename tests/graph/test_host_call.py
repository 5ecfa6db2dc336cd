"""ember.py_function: a Python function on eager tensors, run on every graph call."""
import numpy as np
import pytest

import ember


def test_eager_call_gets_tensors():
    seen = []

    def f(v):
        seen.append(type(v))
        return v * 3

    out = ember.py_function(f, [ember.constant([1, 2])], ember.int32)
    assert out.numpy().tolist() == [3, 6] and seen == [ember.Tensor]


def test_runs_on_every_call_of_a_compiled_function():
    calls = []

    def f(v, w):
        calls.append(1)
        return ember.reduce_sum(v).numpy() + w.numpy(), v * 2

    g = ember.function(lambda x, y: ember.py_function(f, [x, y], [ember.float32, ember.float32]))
    a = g(ember.constant([1.0, 2.0]), ember.constant(1.0))
    b = g(ember.constant([3.0, 4.0]), ember.constant(1.0))
    assert [float(a[0]), float(b[0])] == [4.0, 8.0]
    np.testing.assert_array_equal(b[1].numpy(), [6.0, 8.0])
    assert len(calls) >= 2


def test_declared_count_is_checked():
    with pytest.raises(ValueError, match="returned 1 values; Tout declares 2"):
        ember.py_function(lambda v: v, [ember.constant(1.0)], [ember.float32, ember.float32])


def test_gradients_is_refused_with_a_pointer_to_the_tape():
    with pytest.raises(RuntimeError, match="ember.GradientTape"):
        ember.gradients(ember.constant(1.0), ember.constant(1.0))
