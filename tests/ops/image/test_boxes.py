"""Non-maximum suppression and draw_bounding_boxes: NumPy references and TensorFlow
2.21 constants."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember import image

BOXES = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 0.1, 1.0, 1.1], [0.0, -0.1, 1.0, 0.9],
                  [0.0, 10.0, 1.0, 11.0], [0.0, 10.1, 1.0, 11.1], [0.0, 100.0, 1.0, 101.0]],
                 np.float32)
SCORES = np.array([0.9, 0.75, 0.6, 0.95, 0.5, 0.3], np.float32)


def test_matches_tensorflow():
    # recorded from TensorFlow 2.21
    assert image.non_max_suppression(BOXES, SCORES, 3, 0.5).numpy().tolist() == [3, 0, 5]
    assert image.non_max_suppression(BOXES, SCORES, 10, 0.5, 0.4).numpy().tolist() == [3, 0]
    idx, sc = image.non_max_suppression_with_scores(BOXES, SCORES, 6, 0.5, 0.1,
                                                    soft_nms_sigma=0.5)
    assert idx.numpy().tolist() == [3, 0, 1, 5, 4, 2]
    np.testing.assert_allclose(sc.numpy(), [0.95, 0.9, 0.384004, 0.3, 0.256003, 0.196972],
                               atol=2e-6)
    assert idx.dtype == ember.int32 and sc.dtype == ember.float32


def _iou(a, b):
    (ay0, ay1), (ax0, ax1) = sorted([a[0], a[2]]), sorted([a[1], a[3]])
    (by0, by1), (bx0, bx1) = sorted([b[0], b[2]]), sorted([b[1], b[3]])
    area_a, area_b = (ay1 - ay0) * (ax1 - ax0), (by1 - by0) * (bx1 - bx0)
    if area_a <= 0 or area_b <= 0:
        return 0.0
    inter = max(min(ay1, by1) - max(ay0, by0), 0) * max(min(ax1, bx1) - max(ax0, bx0), 0)
    return inter / (area_a + area_b - inter)


def _nms_ref(boxes, scores, max_out, thr, score_thr):
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    keep = []
    for i in order:
        if len(keep) == max_out or scores[i] <= score_thr:
            break
        if all(_iou(boxes[i], boxes[k]) <= thr for k in keep):
            keep.append(i)
    return keep


def _soft_ref(boxes, scores, max_out, score_thr, sigma):
    cur = {i: float(s) for i, s in enumerate(scores) if s > score_thr}
    keep, kept = [], []
    while cur and len(keep) < max_out:
        i = min(cur, key=lambda j: (-cur[j], j))
        keep.append(i)
        kept.append(cur.pop(i))
        for j in list(cur):
            cur[j] *= np.exp(-0.5 * _iou(boxes[i], boxes[j]) ** 2 / sigma)
            if cur[j] <= score_thr:
                del cur[j]
    return keep, kept


def _random_boxes(rng, n):
    corner = rng.random((n, 2)) * 3
    size = rng.random((n, 2)) * 1.5
    boxes = np.concatenate([corner, corner + size], 1).astype(np.float32)
    flip = rng.random(n) < 0.3
    boxes[flip] = boxes[flip][:, [2, 3, 0, 1]]                  # other corner first
    scores = np.round(rng.random(n) * 8) / 8                    # with ties
    return boxes, scores.astype(np.float32)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 25), max_out=st.integers(0, 30),
       thr=st.sampled_from([0.1, 0.3, 0.5, 0.8]), score_thr=st.sampled_from([-np.inf, 0.3]))
def test_nms_matches_reference(seed, n, max_out, thr, score_thr):
    boxes, scores = _random_boxes(np.random.default_rng(seed), n)
    got = image.non_max_suppression(boxes, scores, max_out, thr, score_thr).numpy().tolist()
    assert got == _nms_ref(boxes, scores, max_out, thr, score_thr)
    idx, _ = image.non_max_suppression_padded(boxes, scores, max_out, thr, score_thr)
    assert idx.numpy().tolist() == got


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 15), sigma=st.sampled_from([0.2, 1.0]))
def test_soft_nms_matches_reference(seed, n, sigma):
    boxes, scores = _random_boxes(np.random.default_rng(seed), n)
    idx, sc = image.non_max_suppression_with_scores(boxes, scores, n, 0.5, 0.05,
                                                    soft_nms_sigma=sigma)
    keep, kept = _soft_ref(boxes, scores, n, 0.05, sigma)
    assert idx.numpy().tolist() == keep
    np.testing.assert_allclose(sc.numpy(), kept, rtol=1e-5)


def test_padded_and_overlaps():
    batch_boxes = np.stack([BOXES, BOXES[::-1]])
    batch_scores = np.stack([SCORES, SCORES[::-1]])
    idx, valid = image.non_max_suppression_padded(batch_boxes, batch_scores, 4,
                                                  pad_to_max_output_size=True)
    assert idx.shape == (2, 4) and valid.numpy().tolist() == [3, 3]
    assert idx.numpy().tolist() == [[3, 0, 5, 0], [2, 5, 0, 0]]
    with pytest.raises(ValueError, match="ember.image.non_max_suppression_padded: "
                                         "'pad_to_max_output_size'"):
        image.non_max_suppression_padded(batch_boxes, batch_scores, 4)
    # overlaps[i, j]: candidate i against selected j (asymmetric on purpose)
    overlaps = np.array([[1.0, 0.2, 0.9], [0.7, 1.0, 0.0], [0.1, 0.0, 1.0]], np.float32)
    got = image.non_max_suppression_overlaps(overlaps, [0.9, 0.8, 0.7], 3)
    assert got.numpy().tolist() == [0, 2]


def test_combined():
    boxes = np.array([[[[0.0, 0.0, 0.5, 0.5]], [[0.0, 0.1, 0.5, 0.6]], [[0.6, 0.6, 1.2, 1.0]]]],
                     np.float32)
    scores = np.array([[[0.9, 0.1], [0.8, 0.7], [0.3, 0.95]]], np.float32)
    nb, ns, nc, nv = image.combined_non_max_suppression(boxes, scores, 2, 4,
                                                        score_threshold=0.2)
    assert nb.shape == (1, 4, 4) and nv.numpy().tolist() == [4]
    np.testing.assert_allclose(ns.numpy(), [[0.95, 0.9, 0.7, 0.3]], atol=1e-6)
    assert nc.numpy().tolist() == [[1.0, 0.0, 1.0, 0.0]]
    np.testing.assert_allclose(nb.numpy()[0, 0], [0.6, 0.6, 1.0, 1.0])   # clipped to [0, 1]
    nb, *_ = image.combined_non_max_suppression(boxes, scores, 1, 9, pad_per_class=True,
                                                clip_boxes=False)
    assert nb.shape == (1, 2, 4)
    np.testing.assert_allclose(nb.numpy()[0, 0], [0.6, 0.6, 1.2, 1.0])


# tf.image.draw_bounding_boxes(zeros((1, 5, 6, 3)), boxes, None)[0], from TensorFlow 2.21
Y, B, O = [1.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]
TF_DRAW = [[Y] * 6, [Y, B, B, B, O, Y], [Y, B, O, B, O, Y], [Y, B, B, B, O, Y], [Y] * 6]


def test_draw_bounding_boxes():
    boxes = np.array([[[0.0, 0.0, 1.0, 1.0], [0.25, 0.2, 0.75, 0.6]]], np.float32)
    out = image.draw_bounding_boxes(np.zeros((1, 5, 6, 3), np.float32), boxes, None)
    np.testing.assert_array_equal(out.numpy()[0], TF_DRAW)
    gray = image.draw_bounding_boxes(np.zeros((1, 5, 6, 1), np.float32), boxes,
                                     [[0.3, 0.0, 0.0, 1.0]])
    np.testing.assert_allclose(gray.numpy()[0, :, :, 0], np.array(TF_DRAW)[..., 0] * 0.3 +
                               np.array(TF_DRAW)[..., 2] * 0.3)
    # boxes partly outside are clipped; inverted boxes are skipped; gradients pass through
    x = ember.constant(np.ones((1, 4, 4, 1), np.float32))
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = image.draw_bounding_boxes(x, [[[-0.5, -0.5, 0.5, 0.5], [0.9, 0.9, 0.1, 0.1]]],
                                      [[0.0]])
        loss = ember.reduce_sum(y)
    assert y.numpy()[0, :, :, 0].tolist() == [[1, 0, 1, 1], [0, 0, 1, 1], [1, 1, 1, 1],
                                              [1, 1, 1, 1]]
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy(), y.numpy())


def test_errors():
    with pytest.raises(ValueError, match=r"ember.image.non_max_suppression: expected boxes of "
                                         r"shape \[num_boxes, 4\].*\(6, 3\)"):
        image.non_max_suppression(BOXES[:, :3], SCORES, 3)
    with pytest.raises(ValueError, match="max_output_size must be non-negative"):
        image.non_max_suppression(BOXES, SCORES, -1)
    with pytest.raises(ValueError, match="ember.image.draw_bounding_boxes: Channel depth"):
        image.draw_bounding_boxes(np.zeros((1, 3, 3, 2), np.float32), [[[0, 0, 1, 1]]], None)
    with pytest.raises(ValueError, match="colors must have equal or more channels"):
        image.draw_bounding_boxes(np.zeros((1, 3, 3, 3), np.float32), [[[0, 0, 1, 1]]],
                                  [[1.0, 0.0]])
