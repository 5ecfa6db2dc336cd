"""keras.ops.rearrange: values vs NumPy reshapes/transposes, gradients, errors, symbolic."""
import numpy as np
import pytest

import ember
from ember import keras

ops = keras.ops
X = np.arange(2 * 6 * 4, dtype=np.float32).reshape(2, 6, 4)

CASES = [
    ("b h w -> b w h", {}, lambda x: x.transpose(0, 2, 1)),
    ("b h w -> b (h w)", {}, lambda x: x.reshape(2, 24)),
    ("b h w -> (b h) w", {}, lambda x: x.reshape(12, 4)),
    ("b (h1 h2) w -> b h1 h2 w", {"h1": 2}, lambda x: x.reshape(2, 2, 3, 4)),
    ("b (h1 h2) w -> b h2 (h1 w)", {"h2": 3},
     lambda x: x.reshape(2, 2, 3, 4).transpose(0, 2, 1, 3).reshape(2, 3, 8)),
    ("b h w -> w (b h)", {}, lambda x: x.transpose(2, 0, 1).reshape(4, 12)),
]


@pytest.mark.parametrize("pattern,lengths,ref", CASES, ids=[c[0] for c in CASES])
def test_rearrange_matches_numpy(pattern, lengths, ref):
    out = ops.rearrange(X, pattern, **lengths)
    np.testing.assert_array_equal(out.numpy(), ref(X))


def test_rearrange_gradient_is_the_inverse_rearrangement():
    x = ember.constant(np.random.default_rng(0).normal(size=(2, 6, 4)))
    w = ember.constant(np.random.default_rng(1).normal(size=(3, 16)))
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ops.rearrange(x, "b (h1 h2) w -> h2 (b h1 w)", h1=2)
        loss = ember.reduce_sum(y * w)
    g = tape.gradient(loss, x).numpy()
    back = w.numpy().reshape(3, 2, 2, 4).transpose(1, 2, 0, 3).reshape(2, 6, 4)
    np.testing.assert_allclose(g, back)


def test_rearrange_errors_name_the_problem():
    with pytest.raises(ValueError, match="names 2 input axes"):
        ops.rearrange(X, "a b -> b a")
    with pytest.raises(ValueError, match="same axes"):
        ops.rearrange(X, "a b c -> a b d")
    with pytest.raises(ValueError, match="all but one"):
        ops.rearrange(X, "a (b c) d -> a b c d")
    with pytest.raises(ValueError, match="cannot be split"):
        ops.rearrange(X, "a (b c) d -> a b c d", b=4)
    with pytest.raises(ValueError, match="->"):
        ops.rearrange(X, "a b c")
    with pytest.raises(ValueError, match="unmatched"):
        ops.rearrange(X, "a (b c d -> a b c d")


def test_rearrange_in_a_functional_model_and_its_config():
    inp = keras.Input((6, 4))
    model = keras.Model(inp, ops.rearrange(inp, "b (h1 h2) w -> b h2 (h1 w)", h2=3))
    np.testing.assert_array_equal(model(X).numpy(), CASES[4][2](X))
    again = keras.Model.from_config(model.get_config())
    np.testing.assert_array_equal(again(X).numpy(), CASES[4][2](X))
