"""Dice and Tversky losses against NumPy."""
import numpy as np
import pytest

from ember.keras import losses

EPS = 1e-7
rng = np.random.default_rng(4)
Y_TRUE = rng.integers(0, 2, size=(3, 4, 4)).astype(float)
Y_PRED = rng.uniform(size=(3, 4, 4))


def np_dice(t, p, axis=None):
    inter = (t * p).sum(axis)
    return 1 - 2 * inter / (t.sum(axis) + p.sum(axis) + EPS)


def np_tversky(t, p, alpha=0.5, beta=0.5, axis=None):
    tp = (t * p).sum(axis)
    fp = ((1 - t) * p).sum(axis)
    fn = (t * (1 - p)).sum(axis)
    return 1 - tp / (tp + alpha * fp + beta * fn + EPS)


@pytest.mark.parametrize("axis", [None, (1, 2)])
def test_dice(axis):
    expected = np_dice(Y_TRUE, Y_PRED, axis)
    np.testing.assert_allclose(losses.dice(Y_TRUE, Y_PRED.astype("float32"), axis=axis).numpy(),
                               expected, rtol=1e-5)
    np.testing.assert_allclose(losses.Dice(axis=axis)(Y_TRUE, Y_PRED).numpy(),
                               np.mean(expected), rtol=1e-5)
    cfg = losses.Dice(axis=axis).get_config()
    assert cfg["axis"] == axis and losses.Dice.from_config(cfg).axis == axis


@pytest.mark.parametrize("alpha,beta,axis", [(0.5, 0.5, None), (0.3, 0.7, (1, 2))])
def test_tversky(alpha, beta, axis):
    expected = np_tversky(Y_TRUE, Y_PRED, alpha, beta, axis)
    out = losses.tversky(Y_TRUE, Y_PRED.astype("float32"), alpha=alpha, beta=beta, axis=axis)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5)
    loss = losses.Tversky(alpha=alpha, beta=beta, axis=axis)
    np.testing.assert_allclose(loss(Y_TRUE, Y_PRED).numpy(), np.mean(expected), rtol=1e-5)
    cfg = loss.get_config()
    assert (cfg["alpha"], cfg["beta"], cfg["axis"]) == (alpha, beta, axis)
