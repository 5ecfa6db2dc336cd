"""The compiled ReLU-gradient and bias-then-ReLU kernels: bit-equal to the NumPy paths,
in eager ops and in a compiled graph's fused chain."""
import numpy as np
import pytest

pytest.importorskip("numba")

import ember


def _relu_grads(jit_switch, on, x):
    jit_switch(on)
    xs = ember.Variable(x)
    with ember.GradientTape() as tape:
        y = ember.nn.relu(xs)
        loss = ember.reduce_sum(y * np.cos(np.arange(x.size, dtype=np.float32)).reshape(
            x.shape))
    return y.numpy(), tape.gradient(loss, xs).numpy()


def test_relu_gradient_equals_the_numpy_path(rng, jit_switch):
    x = rng.normal(size=(37, 29)).astype(np.float32)
    x[0, :4] = [0.0, -0.0, np.nan, np.inf]
    got, want = _relu_grads(jit_switch, True, x), _relu_grads(jit_switch, False, x)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    assert got[1][0, 0] == 0 and got[1][0, 1] == 0      # the gradient at 0 is 0


def _bias_relu(jit_switch, on, x, b):
    jit_switch(on)
    f = ember.function(lambda x, b: ember.nn.relu(x + b))
    return f(x, b).numpy(), f.get_concrete_function(x, b).graph


@pytest.mark.parametrize("xshape, bshape", [
    ((64, 48), (48,)), ((4, 5, 6, 16), (16,)), ((3, 7, 10), (7, 10)),
    ((20, 8), (20, 1)),            # not a row of trailing axes: the generic fused step
    ((20, 8), ()),
])
def test_fused_bias_relu_equals_the_numpy_path(rng, jit_switch, xshape, bshape):
    x = rng.normal(size=xshape).astype(np.float32)
    b = rng.normal(size=bshape).astype(np.float32)
    x.flat[:3] = [np.nan, -0.0, np.inf]
    got, graph = _bias_relu(jit_switch, True, x, b)
    want, _ = _bias_relu(jit_switch, False, x, b)
    np.testing.assert_array_equal(got, want)
    assert any(n.kind == "fused" for n in graph.nodes)
    assert not np.signbit(got).any()               # maximum(-0.0, 0) is 0.0


def test_fused_bias_relu_writes_in_place_only_into_a_dead_buffer(rng, jit_switch):
    jit_switch(True)
    x = rng.normal(size=(32, 16)).astype(np.float32)
    b = rng.normal(size=16).astype(np.float32)

    @ember.function
    def f(x, b):
        h = x * 2.0                     # a buffer nothing else reads: may be reused
        return ember.nn.relu(h + b), x * 1.0

    y, x_again = f(x, b)
    np.testing.assert_array_equal(y.numpy(), np.maximum(x * 2 + b, 0))
    np.testing.assert_array_equal(x_again.numpy(), x)
