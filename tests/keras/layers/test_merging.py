"""Merge layers: Concatenate, Add ... Minimum, Dot and their functional forms."""
import numpy as np
import pytest

import ember
from ember import keras

L = keras.layers
ELEMENTWISE = {
    "Add": lambda xs: xs[0] + xs[1] + xs[2],
    "Multiply": lambda xs: xs[0] * xs[1] * xs[2],
    "Average": lambda xs: (xs[0] + xs[1] + xs[2]) / 3,
    "Maximum": lambda xs: np.maximum(np.maximum(xs[0], xs[1]), xs[2]),
    "Minimum": lambda xs: np.minimum(np.minimum(xs[0], xs[1]), xs[2]),
}
FUNCTIONS = {"Add": "add", "Multiply": "multiply", "Average": "average",
             "Maximum": "maximum", "Minimum": "minimum", "Subtract": "subtract",
             "Concatenate": "concatenate"}


def _arrays(rng, n, shape):
    return [rng.standard_normal(shape).astype(np.float32) for _ in range(n)]


def _masked(x, mask):
    t = ember.constant(x)
    t._keras_mask = ember.constant(np.asarray(mask, bool))
    return t


def _round_trip(layer, xs):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    np.testing.assert_allclose(clone(xs).numpy(), layer(xs).numpy(), rtol=1e-6)


# -- elementwise ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_values_shapes_config(name, rng):
    xs = _arrays(rng, 3, (2, 4, 3))
    layer = getattr(L, name)()
    y = layer(xs)
    np.testing.assert_allclose(y.numpy(), ELEMENTWISE[name](xs), rtol=1e-6)
    assert tuple(y.shape) == layer.compute_output_shape([x.shape for x in xs])
    sym = getattr(L, name)()([keras.Input((4, 3)), keras.Input((4, 3))])
    assert sym.shape == (None, 4, 3)
    assert getattr(L, FUNCTIONS[name])([keras.Input((4, 1)), keras.Input((4, 3))]).shape \
        == (None, 4, 3)
    np.testing.assert_allclose(getattr(L, FUNCTIONS[name])(xs).numpy(), y.numpy())
    _round_trip(layer, xs)


def test_subtract_values_and_errors(rng):
    a, b = _arrays(rng, 2, (2, 3))
    np.testing.assert_allclose(L.Subtract()([a, b]).numpy(), a - b)
    np.testing.assert_allclose(L.subtract([a, b]).numpy(), a - b)
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        L.Subtract()([a, b, a])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        L.Subtract()([keras.Input((3,))] * 3)
    _round_trip(L.Subtract(), [a, b])


def test_merge_input_validation(rng):
    with pytest.raises(ValueError, match=r"incompatible shapes. Received shapes \(4,\) and"
                                         r" \(3,\)"):
        L.Add()([np.ones((2, 4), np.float32), np.ones((2, 3), np.float32)])
    with pytest.raises(ValueError, match=r"incompatible shapes.*\(5,\)"):
        L.add([keras.Input((5,)), keras.Input((3,))])
    with pytest.raises(ValueError, match="different batch sizes"):
        L.Add()([np.ones((2, 3), np.float32), np.ones((4, 3), np.float32)])
    with pytest.raises(ValueError, match="list of inputs"):
        L.Add()(np.ones((2, 3), np.float32))
    layer = L.Add()
    layer([np.ones((2, 3), np.float32)] * 2)
    with pytest.raises(ValueError, match=r"incompatible shapes.*\(4,\)"):
        layer([np.ones((2, 3), np.float32), np.ones((2, 4), np.float32)])


def test_merge_inputs_of_different_rank_get_axes_after_batch(rng):
    a = rng.standard_normal((2, 3)).astype(np.float32)
    b = rng.standard_normal((2, 4, 3)).astype(np.float32)
    layer = L.Add()
    y = layer([a, b])
    np.testing.assert_allclose(y.numpy(), a[:, None, :] + b)
    assert layer.compute_output_shape([(2, 3), (2, 4, 3)]) == (2, 4, 3)


def test_add_and_average_masks_are_ored(rng):
    a, b = _arrays(rng, 2, (2, 3, 4))
    ma, mb = [[True, False, False], [True, True, False]], [[False, False, True]] * 2
    y = L.Add()([_masked(a, ma), _masked(b, mb)])
    np.testing.assert_allclose(y.numpy(), a + b)  # values are summed as they are
    np.testing.assert_array_equal(y._keras_mask.numpy(), np.logical_or(ma, mb))
    y = L.Average()([_masked(a, ma), ember.constant(b)])  # an unmasked input: no mask
    assert getattr(y, "_keras_mask", None) is None


@pytest.mark.parametrize("name,op", [("Maximum", np.maximum), ("Minimum", np.minimum)])
def test_maximum_minimum_with_masks(name, op, rng):
    a, b = _arrays(rng, 2, (2, 3, 4))
    ma = np.array([[True, False, True], [False, False, True]])
    mb = np.array([[True, True, False], [False, True, True]])
    y = getattr(L, name)()([_masked(a, ma), _masked(b, mb)])
    # a masked-out entry takes the other operand's value, so it never wins
    ea, eb = ma[..., None], mb[..., None]
    bb = np.where(eb, b, a)
    aa = np.where(ea, a, bb)
    np.testing.assert_allclose(y.numpy(), op(aa, bb))
    np.testing.assert_array_equal(y._keras_mask.numpy(), ma | mb)


def test_multiply_with_masks(rng):
    a, b = _arrays(rng, 2, (2, 3, 4))
    ma = np.array([[True, False, True], [False, False, True]])
    mb = np.array([[True, True, False], [False, True, True]])
    y = L.Multiply()([_masked(a, ma), _masked(b, mb)])
    ea, eb = ma[..., None], mb[..., None]
    expected = np.where(ea, a, 1) * np.where(eb, b, 1)
    expected = np.where(ea | eb, expected, 0)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-6)
    np.testing.assert_array_equal(y._keras_mask.numpy(), ma | mb)
    # one input unmasked: masked-out entries of the other count as 1, no zeroing
    y = L.Multiply()([_masked(a, ma), ember.constant(b)])
    np.testing.assert_allclose(y.numpy(), np.where(ea, a, 1) * b, rtol=1e-6)


@pytest.mark.parametrize("name", ["Add", "Subtract", "Multiply", "Average", "Maximum",
                                  "Minimum", "Concatenate", "Dot"])
def test_merge_training_step_lowers_loss(name, rng):
    a, b = keras.Input((3,)), keras.Input((3,))
    da, db = L.Dense(3, name="da"), L.Dense(3, name="db")
    kwargs = {"axes": 1} if name == "Dot" else {}
    merged = getattr(L, name)(**kwargs)([da(a), db(b)])
    out = L.Dense(1)(merged)
    model = keras.Model([a, b], out)
    xa, xb = _arrays(rng, 2, (8, 3))
    target = rng.standard_normal((8, 1)).astype(np.float32)
    losses = []
    for _ in range(6):
        with ember.GradientTape() as tape:
            loss = ember.reduce_mean(ember.square(model([xa, xb]) - target))
        grads = tape.gradient(loss, model.trainable_weights)
        assert all(g is not None for g in grads)
        for v, g in zip(model.trainable_weights, grads):
            v.assign_sub(0.05 * g)
        losses.append(float(loss))
    assert losses[-1] < losses[0]


# -- Concatenate --------------------------------------------------------------------------------
def test_concatenate_values_shapes_config(rng):
    x = rng.standard_normal((2, 2, 5)).astype(np.float32)
    y = rng.standard_normal((2, 1, 5)).astype(np.float32)
    layer = L.Concatenate(axis=1)
    out = layer([x, y])
    np.testing.assert_array_equal(out.numpy(), np.concatenate([x, y], axis=1))
    assert tuple(out.shape) == layer.compute_output_shape([x.shape, y.shape]) == (2, 3, 5)
    assert L.concatenate([keras.Input((4, 3)), keras.Input((4, 2))]).shape == (None, 4, 5)
    assert L.Concatenate(axis=1)([keras.Input((None, 3)), keras.Input((4, 3))]).shape == \
        (None, None, 3)
    assert layer.get_config()["axis"] == 1
    _round_trip(layer, [x, y])


def test_concatenate_errors(rng):
    with pytest.raises(ValueError, match=r"matching shapes except for the concatenation "
                                         r"axis. Received: input_shape=\[\(None, 4, 3\), "
                                         r"\(None, 5, 3\)\]"):
        L.Concatenate()([keras.Input((4, 3)), keras.Input((5, 3))])
    with pytest.raises(ValueError, match="matching shapes"):
        L.Concatenate()([np.ones((2, 3), np.float32), np.ones((2, 3, 1), np.float32)])
    with pytest.raises(ValueError, match="list of at least 1 input"):
        L.Concatenate()(np.ones((2, 3), np.float32))


def test_concatenate_masks(rng):
    a = rng.standard_normal((2, 3, 4)).astype(np.float32)
    b = rng.standard_normal((2, 3, 2)).astype(np.float32)
    ma = np.array([[True, False, True], [False, False, True]])
    # feature axis: an unmasked input counts as all True, reduced over the last axis
    out = L.Concatenate()([_masked(a, ma), ember.constant(b)])
    np.testing.assert_array_equal(out._keras_mask.numpy(), np.ones((2, 3), bool))
    mb = np.array([[False, False, True], [False, True, False]])
    out = L.Concatenate()([_masked(a, ma), _masked(b, mb)])
    np.testing.assert_array_equal(out._keras_mask.numpy(), ma | mb)
    # time axis: the masks are joined along time
    c = rng.standard_normal((2, 2, 4)).astype(np.float32)
    out = L.Concatenate(axis=1)([_masked(a, ma), ember.constant(c)])
    np.testing.assert_array_equal(out._keras_mask.numpy(),
                                  np.concatenate([ma, np.ones((2, 2), bool)], axis=1))
    assert getattr(L.Concatenate()([a, b]), "_keras_mask", None) is None


# -- Dot --------------------------------------------------------------------------------------
def test_dot_values_and_shapes(rng):
    x = rng.standard_normal((2, 5, 3)).astype(np.float32)
    y = rng.standard_normal((2, 4, 5)).astype(np.float32)
    layer = L.Dot(axes=(1, 2))
    out = layer([x, y])
    np.testing.assert_allclose(out.numpy(), np.einsum("bij,bki->bjk", x, y), rtol=1e-5)
    assert tuple(out.shape) == layer.compute_output_shape([x.shape, y.shape]) == (2, 3, 4)
    a, b = _arrays(rng, 2, (3, 4))
    out = L.Dot(axes=1)([a, b])
    np.testing.assert_allclose(out.numpy(), np.sum(a * b, axis=1, keepdims=True), rtol=1e-5)
    assert L.Dot(axes=-1).compute_output_shape([(3, 4), (3, 4)]) == (3, 1)
    assert L.dot([keras.Input((5, 3)), keras.Input((4, 5))], axes=(1, 2)).shape == \
        (None, 3, 4)
    z = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
    w = rng.standard_normal((2, 5, 6)).astype(np.float32)
    np.testing.assert_allclose(L.Dot(axes=(3, 1))([z, w]).numpy(),
                               np.einsum("bijk,bkl->bijl", z, w), rtol=1e-5, atol=1e-6)


def test_dot_normalize_is_cosine(rng):
    a, b = _arrays(rng, 2, (3, 4))
    out = L.Dot(axes=1, normalize=True)([a, b]).numpy()
    cos = np.sum(a * b, 1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    np.testing.assert_allclose(out[:, 0], cos, rtol=1e-5)
    zero = L.Dot(axes=1, normalize=True)([np.zeros((1, 4), np.float32), b[:1]]).numpy()
    assert np.all(np.isfinite(zero)) and zero[0, 0] == 0


def test_dot_errors_mask_config(rng):
    with pytest.raises(TypeError, match="list or an int"):
        L.Dot(axes="1")
    with pytest.raises(ValueError, match="two elements"):
        L.Dot(axes=(1, 2, 3))
    with pytest.raises(ValueError, match=r"axis values 4 \(at axis 1\) != 3 \(at axis 1\)"):
        L.Dot(axes=1)([np.ones((2, 4), np.float32), np.ones((2, 3), np.float32)])
    with pytest.raises(ValueError, match="batch_dot over axis 0"):
        L.Dot(axes=0)([np.ones((2, 4), np.float32), np.ones((2, 4), np.float32)])
    with pytest.raises(ValueError, match="list of 2 inputs"):
        L.Dot(axes=1)([np.ones((2, 4), np.float32)] * 3)
    a, b = _arrays(rng, 2, (2, 3, 4))
    out = L.Dot(axes=2)([_masked(a, [[True] * 3] * 2), _masked(b, [[True] * 3] * 2)])
    assert getattr(out, "_keras_mask", None) is None
    layer = L.Dot(axes=(2, 2), normalize=True)
    assert layer.get_config()["axes"] == (2, 2)
    assert layer.get_config()["normalize"] is True
    _round_trip(layer, [a, b])


def test_merge_in_a_model_eager_masks_flow():
    a, b = keras.Input((3, 2)), keras.Input((3, 2))
    out = L.add([a, b])
    model = keras.Model([a, b], out)
    y = model([np.ones((1, 3, 2), np.float32), np.ones((1, 3, 2), np.float32)])
    np.testing.assert_array_equal(y.numpy(), np.full((1, 3, 2), 2.0, np.float32))
