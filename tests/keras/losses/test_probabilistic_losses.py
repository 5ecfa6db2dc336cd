"""Cross-entropies, focal losses, KL divergence and Poisson against NumPy."""
import warnings

import numpy as np
import pytest

import ember
from ember.keras import losses

EPS = 1e-7
rng = np.random.default_rng(2)
LOGITS = rng.normal(size=(6, 4)) * 2
PROBS = np.exp(LOGITS) / np.exp(LOGITS).sum(-1, keepdims=True)
LABELS = rng.integers(0, 4, size=6)
ONE_HOT = np.eye(4)[LABELS]
BIN_TRUE = rng.integers(0, 2, size=(6, 4)).astype(float)
BIN_PROB = 1 / (1 + np.exp(-LOGITS))
W = np.array([1.0, 0.5, 0.0, 2.0, 1.5, 1.0])


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_log_softmax(x, axis=-1):
    m = x.max(axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis, keepdims=True))


def np_bce(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    t = t * (1 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        e = np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p)))
    else:
        p = np.clip(p, EPS, 1 - EPS)
        e = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    return e.mean(axis)


def np_cce(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    t = t * (1 - label_smoothing) + label_smoothing / p.shape[axis]
    if from_logits:
        return -(t * np_log_softmax(p, axis)).sum(axis)
    p = np.clip(p / p.sum(axis, keepdims=True), EPS, 1 - EPS)
    return -(t * np.log(p)).sum(axis)


def np_scce(labels, p, from_logits=False, ignore_class=None):
    labels = np.asarray(labels).reshape(-1)
    keep = np.ones_like(labels, dtype=bool) if ignore_class is None else labels != ignore_class
    safe = np.where(keep, labels, 0)
    logp = np_log_softmax(p if from_logits else np.log(np.clip(p, EPS, 1 - EPS)))
    out = -logp[np.arange(len(safe)), safe]
    return np.where(keep, out, 0.0), keep


def np_binary_focal(t, p, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                    from_logits=False, label_smoothing=0.0, axis=-1):
    t = t * (1 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        p = np_sigmoid(p)
    pc = np.clip(p, EPS, 1 - EPS)
    bce = -(t * np.log(pc) + (1 - t) * np.log(1 - pc))
    p_t = t * p + (1 - t) * (1 - p)
    out = (1 - p_t) ** gamma * bce
    if apply_class_balancing:
        out = (t * alpha + (1 - t) * (1 - alpha)) * out
    return out.mean(axis)


def np_cat_focal(t, p, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                 axis=-1):
    t = t * (1 - label_smoothing) + label_smoothing / p.shape[axis]
    if from_logits:
        p = np.exp(np_log_softmax(p, axis))
    out = np.clip(p / p.sum(axis, keepdims=True), EPS, 1 - EPS)
    return (alpha * (1 - out) ** gamma * -t * np.log(out)).sum(axis)


def np_kld(t, p):
    t, p = np.clip(t, EPS, 1), np.clip(p, EPS, 1)
    return (t * np.log(t / p)).sum(-1)


def np_poisson(t, p):
    return (p - t * np.log(p + EPS)).mean(-1)


CASES = [
    (losses.BinaryCrossentropy, losses.binary_crossentropy, np_bce, {}, BIN_TRUE, BIN_PROB),
    (losses.BinaryCrossentropy, losses.binary_crossentropy, np_bce, {"from_logits": True},
     BIN_TRUE, LOGITS),
    (losses.BinaryCrossentropy, losses.binary_crossentropy, np_bce,
     {"label_smoothing": 0.2}, BIN_TRUE, BIN_PROB),
    (losses.BinaryCrossentropy, losses.binary_crossentropy, np_bce,
     {"from_logits": True, "label_smoothing": 0.1, "axis": 0}, BIN_TRUE, LOGITS),
    (losses.CategoricalCrossentropy, losses.categorical_crossentropy, np_cce, {}, ONE_HOT,
     PROBS),
    (losses.CategoricalCrossentropy, losses.categorical_crossentropy, np_cce,
     {"from_logits": True}, ONE_HOT, LOGITS),
    (losses.CategoricalCrossentropy, losses.categorical_crossentropy, np_cce,
     {"label_smoothing": 0.3}, ONE_HOT, PROBS * 2.0),  # unnormalised: renormalised
    (losses.CategoricalCrossentropy, losses.categorical_crossentropy, np_cce,
     {"from_logits": True, "label_smoothing": 0.1, "axis": 0}, ONE_HOT, LOGITS),
    (losses.BinaryFocalCrossentropy, losses.binary_focal_crossentropy, np_binary_focal, {},
     BIN_TRUE, BIN_PROB),
    (losses.BinaryFocalCrossentropy, losses.binary_focal_crossentropy, np_binary_focal,
     {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5, "from_logits": True,
      "label_smoothing": 0.1}, BIN_TRUE, LOGITS),
    (losses.CategoricalFocalCrossentropy, losses.categorical_focal_crossentropy,
     np_cat_focal, {}, ONE_HOT, PROBS),
    (losses.CategoricalFocalCrossentropy, losses.categorical_focal_crossentropy,
     np_cat_focal, {"alpha": 0.5, "gamma": 3.0, "from_logits": True, "label_smoothing": 0.2},
     ONE_HOT, LOGITS),
    (losses.KLDivergence, losses.kl_divergence, np_kld, {}, PROBS[::-1], PROBS),
    (losses.Poisson, losses.poisson, np_poisson, {}, BIN_TRUE * 3, BIN_PROB * 2),
]
IDS = [f"{c[0].__name__}{c[3]}" for c in CASES]


@pytest.mark.parametrize("cls,fn,ref,kwargs,yt,yp", CASES, ids=IDS)
def test_function_per_sample(cls, fn, ref, kwargs, yt, yp):
    out = fn(yt.astype("float32"), yp.astype("float32"), **kwargs).numpy()
    np.testing.assert_allclose(out, ref(yt, yp, **kwargs), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("cls,fn,ref,kwargs,yt,yp", CASES, ids=IDS)
def test_class_reductions_and_config(cls, fn, ref, kwargs, yt, yp):
    values = ref(yt, yp, **kwargs)
    loss = cls(**kwargs)
    np.testing.assert_allclose(loss(yt, yp).numpy(), values.mean(), rtol=1e-4, atol=1e-6)
    if values.shape == W.shape:
        np.testing.assert_allclose(loss(yt, yp, sample_weight=W).numpy(),
                                   (values * W).mean(), rtol=1e-4, atol=1e-6)
        summed = cls(reduction="sum", **kwargs)(yt, yp, sample_weight=W).numpy()
        np.testing.assert_allclose(summed, (values * W).sum(), rtol=1e-4, atol=1e-6)
    cfg = cls(name="x", **kwargs).get_config()
    assert "fn" not in cfg and cfg["name"] == "x"
    clone = cls.from_config(cfg)
    assert clone.get_config() == cfg
    np.testing.assert_allclose(clone(yt, yp).numpy(), loss(yt, yp).numpy(), rtol=1e-6)


def test_crossentropy_config_keys():
    assert losses.BinaryCrossentropy().get_config() == {
        "name": "binary_crossentropy", "reduction": "sum_over_batch_size",
        "from_logits": False, "label_smoothing": 0.0, "axis": -1}
    assert losses.SparseCategoricalCrossentropy().get_config() == {
        "name": "sparse_categorical_crossentropy", "reduction": "sum_over_batch_size",
        "from_logits": False, "ignore_class": None, "axis": -1}
    assert set(losses.BinaryFocalCrossentropy().get_config()) == {
        "name", "reduction", "from_logits", "label_smoothing", "axis",
        "apply_class_balancing", "alpha", "gamma"}


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("column", [False, True])
def test_sparse_categorical(from_logits, column):
    p = LOGITS if from_logits else PROBS
    labels = LABELS[:, None] if column else LABELS
    expected, _ = np_scce(LABELS, p, from_logits)
    out = losses.sparse_categorical_crossentropy(labels, p.astype("float32"),
                                                 from_logits=from_logits)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-4)
    loss = losses.SparseCategoricalCrossentropy(from_logits=from_logits)
    np.testing.assert_allclose(loss(labels, p, sample_weight=W).numpy(),
                               (expected * W).mean(), rtol=1e-4)


def test_sparse_categorical_ignore_class():
    labels = np.array([0, 2, -1, 1, -1, 3])
    expected, keep = np_scce(labels, LOGITS, True, ignore_class=-1)
    out = losses.sparse_categorical_crossentropy(labels, LOGITS.astype("float32"),
                                                 from_logits=True, ignore_class=-1)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-4)
    np.testing.assert_array_equal(out._keras_mask.numpy(), keep)
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    np.testing.assert_allclose(loss(labels, LOGITS).numpy(), expected[keep].mean(), rtol=1e-4)
    summed = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1,
                                                  reduction="sum")
    np.testing.assert_allclose(summed(labels, LOGITS).numpy(), expected.sum(), rtol=1e-4)


def test_sparse_categorical_sequence_ignore_class():
    logits = rng.normal(size=(2, 3, 4))
    labels = np.array([[1, 0, 3], [3, 2, 3]])
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=3)
    flat, keep = np_scce(labels, logits.reshape(-1, 4), True, ignore_class=3)
    np.testing.assert_allclose(loss(labels, logits).numpy(), flat[keep].mean(), rtol=1e-4)


def test_logits_are_numerically_stable():
    big = np.array([[100.0, -100.0]], dtype="float32")
    out = losses.binary_crossentropy([[0.0, 1.0]], big, from_logits=True).numpy()
    np.testing.assert_allclose(out, [100.0], rtol=1e-6)
    out = losses.categorical_crossentropy([[0.0, 1.0]], big, from_logits=True).numpy()
    np.testing.assert_allclose(out, [200.0], rtol=1e-6)
    out = losses.sparse_categorical_crossentropy([1], big, from_logits=True).numpy()
    np.testing.assert_allclose(out, [200.0], rtol=1e-6)


def test_probabilities_are_clipped():
    out = losses.binary_crossentropy([[1.0]], [[0.0]]).numpy()
    np.testing.assert_allclose(out, [-np.log(EPS)], rtol=1e-3)
    assert np.isfinite(losses.categorical_crossentropy([[1.0, 0.0]], [[0.0, 1.0]]).numpy()).all()


def test_shape_errors_and_warnings():
    with pytest.raises(ValueError, match="same rank"):
        losses.binary_crossentropy(ember.ones((2,)), ember.ones((2, 1)))
    with pytest.raises(ValueError, match="axis"):
        losses.categorical_crossentropy(ONE_HOT, PROBS, axis=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        losses.categorical_crossentropy([[1.0]], [[1.0]])
    assert any("binary_crossentropy" in str(w.message) for w in caught)
    # the class aligns (batch,) labels with (batch, 1) predictions
    out = losses.BinaryCrossentropy()([1.0, 0.0], [[0.8], [0.1]]).numpy()
    np.testing.assert_allclose(out, np_bce(np.array([[1.0], [0.0]]),
                                           np.array([[0.8], [0.1]])).mean(), rtol=1e-5)


def test_categorical_generalized_cross_entropy():
    q = 0.7
    expected = (1 - PROBS[np.arange(6), LABELS] ** q) / q
    out = losses.categorical_generalized_cross_entropy(LABELS, PROBS.astype("float32"), q=q)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5)
    loss = losses.CategoricalGeneralizedCrossEntropy(q=q)
    np.testing.assert_allclose(loss(LABELS, PROBS).numpy(), expected.mean(), rtol=1e-5)
    assert loss.get_config()["q"] == q
    with pytest.raises(ValueError):
        losses.CategoricalGeneralizedCrossEntropy(q=1.5)
