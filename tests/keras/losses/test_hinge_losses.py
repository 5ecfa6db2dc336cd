"""Hinge losses against NumPy."""
import numpy as np
import pytest

from ember.keras import losses

rng = np.random.default_rng(3)
Y_PRED = rng.normal(size=(5, 3))
BIN = rng.integers(0, 2, size=(5, 3)).astype(float)
SIGNED = 2 * BIN - 1
ONE_HOT = np.eye(3)[rng.integers(0, 3, size=5)]
W = np.array([1.0, 0.0, 2.0, 0.5, 1.0])


def np_hinge(t, p):
    t = 2 * t - 1 if np.isin(t, (0, 1)).all() else t
    return np.maximum(1 - t * p, 0).mean(-1)


def np_squared_hinge(t, p):
    t = 2 * t - 1 if np.isin(t, (0, 1)).all() else t
    return (np.maximum(1 - t * p, 0) ** 2).mean(-1)


def np_categorical_hinge(t, p):
    pos = (t * p).sum(-1)
    neg = ((1 - t) * p).max(-1)
    return np.maximum(neg - pos + 1, 0)


CASES = [
    (losses.Hinge, losses.hinge, np_hinge, BIN),
    (losses.Hinge, losses.hinge, np_hinge, SIGNED),
    (losses.SquaredHinge, losses.squared_hinge, np_squared_hinge, BIN),
    (losses.SquaredHinge, losses.squared_hinge, np_squared_hinge, SIGNED),
    (losses.CategoricalHinge, losses.categorical_hinge, np_categorical_hinge, ONE_HOT),
]


@pytest.mark.parametrize("cls,fn,ref,yt", CASES)
def test_hinge_family(cls, fn, ref, yt):
    expected = ref(yt, Y_PRED)
    np.testing.assert_allclose(fn(yt, Y_PRED.astype("float32")).numpy(), expected, rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(cls()(yt, Y_PRED, sample_weight=W).numpy(),
                               (expected * W).mean(), rtol=1e-5)
    np.testing.assert_allclose(cls(reduction="sum")(yt, Y_PRED).numpy(), expected.sum(),
                               rtol=1e-5)
    cfg = cls(name="h").get_config()
    assert cfg == {"name": "h", "reduction": "sum_over_batch_size"}
    assert cls.from_config(cfg).name == "h"


def test_label_conversion_only_for_binary_labels():
    out = losses.convert_binary_labels_to_hinge(np.array([0.0, 1.0, 1.0], "float32"))
    np.testing.assert_array_equal(out.numpy(), [-1.0, 1.0, 1.0])
    out = losses.convert_binary_labels_to_hinge(np.array([-1.0, 1.0, 0.0], "float32"))
    np.testing.assert_array_equal(out.numpy(), [-1.0, 1.0, 0.0])
