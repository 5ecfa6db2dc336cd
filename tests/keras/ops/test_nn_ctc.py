"""keras.ops.ctc_loss / ctc_decode: values vs brute-force enumeration of alignments,
Keras's results, gradients vs finite differences, symbolic and traced use, errors.

Constants marked "Keras" were checked against Keras 3.15 (NumPy backend) while writing."""
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, check_grad, check_second_order

import ember
from ember import keras
from ember.keras.ops import nn_ctc as kops

X = np.random.default_rng(0).normal(size=(3, 6, 5)).astype("float32")
LENS = np.array([6, 4, 1], "int32")
TARGET = np.array([[1, 2, 2, 0], [3, 1, 0, 0], [4, 0, 0, 0]], "int32")
TLENS = np.array([3, 2, 1], "int32")


# ---- brute-force references ---------------------------------------------------------------
def _log_softmax(x):
    x = np.asarray(x, np.float64)
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


def _collapse(path, blank):
    out, prev = [], None
    for c in path:
        if c != prev and c != blank:
            out.append(c)
        prev = c
    return tuple(out)


def _labelings(logits, length, blank):
    """{labeling: probability} summed over every alignment of the first ``length`` frames."""
    lp = _log_softmax(logits)[:length]
    probs = {}
    for path in itertools.product(range(lp.shape[-1]), repeat=length):
        p = np.exp(sum(lp[t, c] for t, c in enumerate(path)))
        key = _collapse(path, blank)
        probs[key] = probs.get(key, 0.0) + p
    return probs


def ctc_loss_ref(target, logits, tlens, olens, blank=0):
    with np.errstate(divide="ignore"):
        return np.array([-np.log(_labelings(x, ol, blank).get(tuple(t[:tl]), 0.0))
                         for t, x, tl, ol in zip(target, logits, tlens, olens)])


def greedy_ref(logits, lens, merge_repeated=True, blank=0):
    b, steps, _ = logits.shape
    paths = -np.ones((1, b, steps), "int32")
    scores = np.zeros((b, 1), "float32")
    for i in range(b):
        best = logits[i, :lens[i]].argmax(-1)
        scores[i, 0] = -logits[i, :lens[i]].max(-1).sum()
        out, prev = [], None
        for c in best:
            if c != blank and not (merge_repeated and c == prev):
                out.append(c)
            prev = c
        paths[0, i, :len(out)] = out
    return paths, scores


# ---- ctc_loss ------------------------------------------------------------------------------
def test_ctc_loss_matches_keras():
    np.testing.assert_allclose(kops.ctc_loss(TARGET, X, TLENS, LENS).numpy(),
                               [8.370889663696289, 3.9713447093963623, 1.8284809589385986],
                               rtol=1e-5)                                    # Keras
    # mask_index in the last class, padding entries -1:
    np.testing.assert_allclose(kops.ctc_loss(TARGET - 1, X, TLENS, LENS, mask_index=4).numpy(),
                               [4.944716453552246, 5.7361159324646, 2.6533613204956055],
                               rtol=1e-5)                                    # Keras


def test_ctc_loss_matches_enumeration():
    r = np.random.default_rng(1)
    x = r.normal(size=(4, 5, 3)).astype("float32")
    target = np.array([[1, 1, 0], [2, 1, 2], [1, 0, 0], [0, 0, 0]], "int32")
    tlens, olens = np.array([2, 3, 1, 0]), np.array([5, 5, 2, 3])
    got = kops.ctc_loss(target, x, tlens, olens)
    assert got.dtype == ember.float32 and got.shape == (4,)
    np.testing.assert_allclose(got.numpy(), ctc_loss_ref(target, x, tlens, olens), rtol=1e-5)
    # the blank in the last class: swapping classes 0 and 2 maps it onto the reference's
    target = np.array([[1, 1, 0], [0, 1, 0], [1, 0, 0], [0, 0, 0]], "int32")
    got = kops.ctc_loss(target, x, tlens, olens, mask_index=2)
    want = ctc_loss_ref(np.where(target == 0, 2, target), x[..., [2, 1, 0]], tlens, olens)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5)


@settings(max_examples=20, deadline=None)
@given(steps=st.integers(1, 5), classes=st.integers(2, 3), labels=st.integers(0, 3),
       seed=st.integers(0, 1000))
def test_ctc_loss_property(steps, classes, labels, seed):
    r = np.random.default_rng(seed)
    x = r.normal(size=(2, steps, classes))
    target = r.integers(1, classes, size=(2, max(labels, 1)))
    tlens = np.array([labels, min(labels, 1)])
    olens = np.array([steps, max(steps - 1, 0)])
    want = ctc_loss_ref(target, x, tlens, olens)
    got = kops.ctc_loss(target, x, tlens, olens).numpy()
    assert got.dtype == np.float64
    feasible = np.isfinite(want)
    np.testing.assert_allclose(got[feasible], want[feasible], rtol=1e-6)
    assert np.all(got[~feasible] > 1e4)         # impossible targets: a large, finite loss


def test_ctc_loss_gradients():
    target, tlens, olens = np.array([[1, 2, 2], [2, 1, 0]]), np.array([3, 1]), np.array([6, 4])
    check_grad(OpCase("ctc_loss", lambda x: kops.ctc_loss(target, x, tlens, olens), None,
                      [(2, 6, 3)]))
    check_second_order(OpCase("ctc_loss_2nd", lambda x: kops.ctc_loss([[1]], x, [1], [2]),
                              None, [(1, 2, 2)]))


def test_ctc_loss_gradient_is_softmax_minus_occupancy():
    # d loss / d logits = softmax - expected label occupancy: each frame sums to zero.
    x = ember.constant(X.astype("float64"))
    with ember.GradientTape() as tape:
        tape.watch(x)
        loss = ember.reduce_sum(kops.ctc_loss(TARGET, x, TLENS, LENS))
    g = tape.gradient(loss, x).numpy()
    np.testing.assert_allclose(g.sum(-1), 0, atol=1e-9)
    assert np.all(g[1, 4:] == 0) and np.all(g[2, 1:] == 0)     # frames past output_length


# ---- ctc_decode ---------------------------------------------------------------------------
def test_greedy_decode_matches_keras_and_reference():
    paths, scores = kops.ctc_decode(X, LENS)
    assert paths.dtype == ember.int32 and scores.dtype == ember.float32
    assert paths.numpy().tolist() == [[[2, 1, 4, 1, 4, -1], [3, 4, 1, 2, -1, -1],
                                       [2, -1, -1, -1, -1, -1]]]             # Keras
    np.testing.assert_allclose(scores.numpy().ravel(),
                               [-4.6149210929870605, -5.508459091186523, -1.7393678426742554],
                               rtol=1e-6)                                    # Keras
    paths, _ = kops.ctc_decode(X, LENS, merge_repeated=False)
    assert paths.numpy()[0, 0].tolist() == [2, 1, 1, 4, 1, 4]               # Keras
    for merge, blank in [(True, 0), (False, 0), (True, 3), (False, None)]:
        got = kops.ctc_decode(X, LENS, merge_repeated=merge, mask_index=blank)
        want = greedy_ref(X, LENS, merge, 4 if blank is None else blank)
        assert got[0].numpy().tolist() == want[0].tolist()
        np.testing.assert_allclose(got[1].numpy(), want[1], rtol=1e-6)


def test_beam_search_matches_keras():
    paths, scores = kops.ctc_decode(X, LENS, "beam_search", 3, 2)
    assert paths.numpy().tolist() == [                                        # Keras
        [[2, 1, 4, 1, -1, -1], [3, 4, 1, 2, -1, -1], [2, -1, -1, -1, -1, -1]],
        [[2, 1, 4, -1, -1, -1], [4, 1, 2, -1, -1, -1], [4, -1, -1, -1, -1, -1]]]
    np.testing.assert_allclose(scores.numpy(), [[-4.076641082763672, -4.216063976287842],
                                                [-3.930953025817871, -3.9791741371154785],
                                                [-0.41808271408081055, -1.8284809589385986]],
                               rtol=1e-5)                                    # Keras
    paths, scores = kops.ctc_decode(X, LENS, "beam_search", 10, 3, mask_index=2)
    assert paths.numpy()[:, 0].tolist() == [[1, 3, 4, -1, -1, -1], [1, 4, -1, -1, -1, -1],
                                            [1, 4, 1, -1, -1, -1]]          # Keras
    np.testing.assert_allclose(scores.numpy()[0], [-4.135284900665283, -4.442350387573242,
                                                   -4.500988960266113], rtol=1e-5)  # Keras


@settings(max_examples=15, deadline=None)
@given(steps=st.integers(1, 4), classes=st.integers(2, 3), blank=st.integers(0, 2),
       seed=st.integers(0, 1000))
def test_wide_beam_search_is_exact(steps, classes, blank, seed):
    """With a beam wider than the number of prefixes nothing is pruned: the top paths are
    the most probable labelings, scored by their log-probability."""
    blank = min(blank, classes - 1)
    r = np.random.default_rng(seed)
    x = (r.normal(size=(2, steps, classes)) * 2).astype("float32")
    lens = np.array([steps, max(steps - 1, 1)])
    top = 2
    paths, scores = kops.ctc_decode(x, lens, "beam_search", beam_width=64, top_paths=top,
                                    mask_index=blank)
    assert paths.shape == (top, 2, steps) and scores.shape == (2, top)
    for i in range(2):
        probs = sorted(_labelings(x[i], lens[i], blank).items(), key=lambda kv: -kv[1])
        for j, (labeling, p) in enumerate(probs[:top]):
            row = paths.numpy()[j, i]
            assert tuple(row[:len(labeling)]) == labeling and np.all(row[len(labeling):] == -1)
            np.testing.assert_allclose(scores.numpy()[i, j], np.log(p), rtol=1e-4, atol=1e-5)


def test_beam_search_with_many_classes():
    # more than 254 classes: labels are compared as two-byte codes
    r = np.random.default_rng(3)
    labels = np.array([[0, 300, 300, 0, 7, 299, 0], [5, 0, 5, 5, 0, 0, 0]])
    x = r.normal(size=(2, 7, 301)).astype("float32") + 9 * np.eye(301)[labels]
    paths, _ = kops.ctc_decode(x, np.array([7, 4]), "beam_search", beam_width=8)
    greedy = kops.ctc_decode(x, np.array([7, 4]))[0]
    assert paths.numpy().tolist() == greedy.numpy().tolist()
    assert paths.numpy()[0, :, :3].tolist() == [[300, 7, 299], [5, 5, -1]]


def test_decode_dtypes_and_traced():
    _, scores = kops.ctc_decode(X.astype("float64"), LENS, "beam_search", 4)
    assert scores.dtype == ember.float64
    assert kops.ctc_decode(X.astype("float16"), LENS)[1].dtype == ember.float32
    f = ember.function(lambda z: kops.ctc_decode(z, LENS, "beam_search", 3, 2))
    paths, scores = f(X)
    assert paths.numpy()[0, 1].tolist() == [3, 4, 1, 2, -1, -1]


# ---- symbolic use -------------------------------------------------------------------------
def test_functional_models():
    logits = keras.Input((6, 5))
    labels = keras.Input((4,), dtype="int32")
    tl = keras.Input((), dtype="int32")
    ol = keras.Input((), dtype="int32")
    loss = kops.ctc_loss(labels, logits, tl, ol)
    assert loss.shape == (None,)
    model = keras.Model([labels, logits, tl, ol], loss)
    np.testing.assert_allclose(model([TARGET, X, TLENS, LENS]).numpy(),
                               kops.ctc_loss(TARGET, X, TLENS, LENS).numpy(), rtol=1e-6)
    paths, scores = kops.ctc_decode(logits, ol, strategy="beam_search", beam_width=3,
                                    top_paths=2)
    decoder = keras.Model([logits, ol], [paths, scores])
    got = decoder([X, LENS])
    want = kops.ctc_decode(X, LENS, "beam_search", 3, 2)
    assert got[0].numpy().tolist() == want[0].numpy().tolist()
    np.testing.assert_allclose(got[1].numpy(), want[1].numpy())


# ---- errors -------------------------------------------------------------------------------
def test_clear_errors():
    with pytest.raises(ValueError, match="Invalid strategy viterbi"):
        kops.ctc_decode(X, LENS, strategy="viterbi")
    with pytest.raises(ValueError, match=r"keras.ops.ctc_decode: expected logits of shape"):
        kops.ctc_decode(X[0], LENS)
    with pytest.raises(ValueError, match=r"`sequence_lengths` must have shape \(batch_size,\)"):
        kops.ctc_decode(X, LENS[:2])
    with pytest.raises(ValueError, match="same first dimension"):
        kops.ctc_loss(TARGET[:2], X, TLENS, LENS)
    with pytest.raises(ValueError, match="`target_length` must have shape"):
        kops.ctc_loss(TARGET, X, TLENS[:1], LENS)
    with pytest.raises(ValueError, match="mask_index 7 is out of range for 5 classes"):
        kops.ctc_loss(TARGET, X, TLENS, LENS, mask_index=7)
    with pytest.raises(ValueError, match="top_paths between 1 and 2 \\* beam_width"):
        kops.ctc_decode(X, LENS, "beam_search", beam_width=2, top_paths=5)
