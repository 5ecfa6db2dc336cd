"""Bounding boxes: non-maximum suppression (hard and soft, single image, padded batches,
per class) and drawing box outlines on images.

Boxes are ``[y1, x1, y2, x2]`` with either pair of opposite corners (the order of each
coordinate pair does not matter for the overlap). Greedy suppression is sequential by
nature: each step is vectorised over all boxes (one row of IoUs), and there are at most
``max_output_size`` steps. Selection follows TensorFlow: the highest score first (the
lower index among equal scores), boxes with a score not above ``score_threshold`` are
never selected, and a box is suppressed when its IoU with a selected box is above
``iou_threshold``. Suppression has no gradient.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..primitive import primitive
from . import _api as E
from ._common import fail, shape_of, static_float, static_int, tensor
from ._common import images as _images

__all__ = [
    "combined_non_max_suppression",
    "draw_bounding_boxes",
    "non_max_suppression",
    "non_max_suppression_overlaps",
    "non_max_suppression_padded",
    "non_max_suppression_with_scores",
]


# -- the greedy selection, on arrays -------------------------------------------------------
def _iou_row(xp, boxes, i):
    """IoU of box ``i`` with every box (float32; 0 where either box has no area)."""
    y_lo = xp.minimum(boxes[:, 0], boxes[:, 2])
    y_hi = xp.maximum(boxes[:, 0], boxes[:, 2])
    x_lo = xp.minimum(boxes[:, 1], boxes[:, 3])
    x_hi = xp.maximum(boxes[:, 1], boxes[:, 3])
    area = (y_hi - y_lo) * (x_hi - x_lo)
    ih = xp.maximum(xp.minimum(y_hi[i], y_hi) - xp.maximum(y_lo[i], y_lo), 0)
    iw = xp.maximum(xp.minimum(x_hi[i], x_hi) - xp.maximum(x_lo[i], x_lo), 0)
    inter = ih * iw
    union = area[i] + area - inter
    ok = (area[i] > 0) & (area > 0)
    return xp.where(ok, inter / xp.where(ok, union, 1), 0).astype(xp.float32)


def _greedy(xp, similarity, scores, max_output_size, threshold, score_threshold,
            soft_nms_sigma):
    """(selected indices, their scores): ``similarity(i)`` is the row of overlaps of
    box ``i`` with every box."""
    current = scores.astype(xp.float32)
    active = current > score_threshold
    soft = soft_nms_sigma > 0
    scale = xp.float32(-0.5 / soft_nms_sigma) if soft else xp.float32(0)
    chosen, chosen_scores = [], []
    neg = xp.float32(-np.inf)
    while len(chosen) < max_output_size and bool(active.any()):
        i = int(xp.argmax(xp.where(active, current, neg)))
        chosen.append(i)
        chosen_scores.append(current[i])
        active[i] = False
        sim = similarity(i)
        if soft:
            current = xp.where(active, current * xp.exp(scale * sim * sim), current)
            active &= current > score_threshold
        else:
            active &= ~(sim > threshold)
    idx = xp.asarray(chosen, dtype=xp.int32)
    out_scores = xp.asarray([float(s) for s in chosen_scores], dtype=xp.float32)
    return idx, out_scores


@primitive(name="non_max_suppression", multiple_results=True)
def _nms(xp, boxes, scores, max_output_size=0, iou_threshold=0.5,
         score_threshold=-np.inf, soft_nms_sigma=0.0):
    b = boxes.astype(xp.float32)
    return _greedy(xp, lambda i: _iou_row(xp, b, i), scores, max_output_size,
                   iou_threshold, score_threshold, soft_nms_sigma)


@primitive(name="non_max_suppression_overlaps", multiple_results=True)
def _nms_overlaps(xp, overlaps, scores, max_output_size=0, iou_threshold=0.5,
                  score_threshold=-np.inf):
    o = overlaps.astype(xp.float32)
    return _greedy(xp, lambda i: o[:, i], scores, max_output_size, iou_threshold,
                   score_threshold, 0.0)


_nms.primitive.shape_from_values = _nms_overlaps.primitive.shape_from_values = True


def _check_nms(boxes: Any, scores: Any, max_output_size: Any, op: str,
               what: str = "boxes") -> tuple[Any, Any, int]:
    boxes, scores = tensor(boxes), tensor(scores)
    n = int(scores.shape[0]) if len(scores.shape) == 1 else -1
    if what == "boxes":
        ok = len(boxes.shape) == 2 and int(boxes.shape[1]) == 4 and \
            int(boxes.shape[0]) == n
        want = "boxes of shape [num_boxes, 4] and scores of shape [num_boxes]"
    else:
        ok = shape_of(boxes) == (n, n)
        want = "overlaps of shape [num_boxes, num_boxes] and scores of shape [num_boxes]"
    if not ok:
        raise fail(op, f"expected {want}; got {what} of shape {shape_of(boxes)} and scores "
                       f"of shape {shape_of(scores)}")
    size = static_int(max_output_size, op, "max_output_size")
    if size < 0:
        raise fail(op, f"max_output_size must be non-negative; got {size}")
    return boxes, scores, size


def non_max_suppression(boxes: Any, scores: Any, max_output_size: int,
                        iou_threshold: float = 0.5, score_threshold: float = float("-inf"),
                        name: str | None = None) -> Any:
    """Greedily select up to ``max_output_size`` boxes by descending score, dropping
    boxes whose IoU with a selected box is above ``iou_threshold`` and boxes whose score
    is not above ``score_threshold``. Returns the selected indices (int32).

    >>> import ember
    >>> boxes = [[0.0, 0.0, 1.0, 1.0], [0.0, 0.1, 1.0, 1.1], [0.0, 2.0, 1.0, 3.0]]
    >>> non_max_suppression(boxes, [0.9, 0.8, 0.7], 3).numpy().tolist()
    [0, 2]
    """
    op = "non_max_suppression"
    boxes, scores, size = _check_nms(boxes, scores, max_output_size, op)
    idx, _ = _nms(boxes, scores, max_output_size=size,
                  iou_threshold=static_float(iou_threshold, op, "iou_threshold"),
                  score_threshold=static_float(score_threshold, op, "score_threshold"))
    return idx


def non_max_suppression_with_scores(boxes: Any, scores: Any, max_output_size: int,
                                    iou_threshold: float = 0.5,
                                    score_threshold: float = float("-inf"),
                                    soft_nms_sigma: float = 0.0,
                                    name: str | None = None) -> tuple[Any, Any]:
    """``non_max_suppression`` that also returns the selected scores (float32). With
    ``soft_nms_sigma > 0`` it is Soft-NMS (Bodla et al. 2017): instead of dropping
    overlapping boxes, each selection multiplies the other scores by
    ``exp(-iou ** 2 / (2 * soft_nms_sigma))`` (``iou_threshold`` is then unused), and the
    returned scores are the decayed ones.

    >>> import ember
    >>> boxes = [[0.0, 0.0, 1.0, 1.0], [0.0, 0.5, 1.0, 1.5]]
    >>> idx, sc = non_max_suppression_with_scores(boxes, [0.9, 0.8], 2, soft_nms_sigma=0.5)
    >>> idx.numpy().tolist(), [round(v, 4) for v in sc.numpy().tolist()]
    ([0, 1], [0.9, 0.7159])
    """
    op = "non_max_suppression_with_scores"
    boxes, scores, size = _check_nms(boxes, scores, max_output_size, op)
    sigma = static_float(soft_nms_sigma, op, "soft_nms_sigma")
    if sigma < 0:
        raise fail(op, f"soft_nms_sigma must be non-negative; got {sigma}")
    return _nms(boxes, scores, max_output_size=size,
                iou_threshold=static_float(iou_threshold, op, "iou_threshold"),
                score_threshold=static_float(score_threshold, op, "score_threshold"),
                soft_nms_sigma=sigma)


def non_max_suppression_overlaps(overlaps: Any, scores: Any, max_output_size: int,
                                 overlap_threshold: float = 0.5,
                                 score_threshold: float = float("-inf"),
                                 name: str | None = None) -> Any:
    """``non_max_suppression`` with the overlaps given: ``overlaps[i, j]`` is how much
    box ``i`` overlaps box ``j``; a box is dropped when its overlap with a selected box
    is above ``overlap_threshold``. Returns int32 indices.

    >>> import ember
    >>> overlaps = [[1.0, 0.7, 0.0], [0.7, 1.0, 0.6], [0.0, 0.6, 1.0]]
    >>> non_max_suppression_overlaps(overlaps, [0.9, 0.8, 0.7], 3).numpy().tolist()
    [0, 2]
    """
    op = "non_max_suppression_overlaps"
    overlaps, scores, size = _check_nms(overlaps, scores, max_output_size, op, "overlaps")
    idx, _ = _nms_overlaps(overlaps, scores, max_output_size=size,
                           iou_threshold=static_float(overlap_threshold, op,
                                                      "overlap_threshold"),
                           score_threshold=static_float(score_threshold, op,
                                                        "score_threshold"))
    return idx


def non_max_suppression_padded(boxes: Any, scores: Any, max_output_size: int,
                               iou_threshold: float = 0.5,
                               score_threshold: float = float("-inf"),
                               pad_to_max_output_size: bool = False,
                               name: str | None = None, sorted_input: bool = False,
                               canonicalized_coordinates: bool = False,
                               tile_size: int = 512) -> tuple[Any, Any]:
    """``non_max_suppression`` for ``[..., num_boxes, 4]`` boxes and ``[..., num_boxes]``
    scores, returning ``(selected_indices, valid_outputs)``: with
    ``pad_to_max_output_size`` the indices of each batch item are padded with zeros to
    ``max_output_size`` (needed for batched input), otherwise the valid indices of the
    single image. ``sorted_input``, ``canonicalized_coordinates`` and ``tile_size`` are
    accepted for TensorFlow's signature; the result does not depend on them.

    >>> import ember
    >>> boxes = [[0.0, 0.0, 1.0, 1.0], [0.0, 0.1, 1.0, 1.1], [0.0, 2.0, 1.0, 3.0]]
    >>> idx, n = non_max_suppression_padded(boxes, [0.9, 0.8, 0.7], 3,
    ...                                     pad_to_max_output_size=True)
    >>> idx.numpy().tolist(), int(n)
    ([0, 2, 0], 2)
    """
    op = "non_max_suppression_padded"
    boxes, scores = tensor(boxes), tensor(scores)
    bs, ss = shape_of(boxes), shape_of(scores)
    if len(bs) < 2 or bs[-1] != 4 or ss != bs[:-1]:
        raise fail(op, f"expected boxes of shape [..., num_boxes, 4] and scores of shape "
                       f"[..., num_boxes]; got {bs} and {ss}")
    if len(bs) > 2 and not pad_to_max_output_size:
        raise fail(op, f"'pad_to_max_output_size' (value {pad_to_max_output_size}) must be "
                       f"True for batched input (boxes of shape {bs})")
    size = static_int(max_output_size, op, "max_output_size")
    iou = static_float(iou_threshold, op, "iou_threshold")
    floor = static_float(score_threshold, op, "score_threshold")
    lead = bs[:-2]
    flat_boxes = E.reshape(boxes, (-1,) + bs[-2:])
    flat_scores = E.reshape(scores, (-1, ss[-1]))
    rows, counts = [], []
    for b in range(int(np.prod(lead, dtype=np.int64))):
        idx, _ = _nms(flat_boxes[b], flat_scores[b], max_output_size=size,
                      iou_threshold=iou, score_threshold=floor)
        k = int(idx.shape[0])
        counts.append(k)
        rows.append(E.pad(idx, [[0, size - k]]) if k < size else idx)
    valid = E.constant(np.asarray(counts, dtype=np.int32).reshape(lead))
    if not pad_to_max_output_size:
        return rows[0][:counts[0]], valid
    return E.reshape(E.stack(rows), lead + (size,)), valid


def combined_non_max_suppression(boxes: Any, scores: Any, max_output_size_per_class: int,
                                 max_total_size: int, iou_threshold: float = 0.5,
                                 score_threshold: float = float("-inf"),
                                 pad_per_class: bool = False, clip_boxes: bool = True,
                                 name: str | None = None) -> tuple:
    """Non-maximum suppression per class and batch item, then the best
    ``max_total_size`` detections over all classes.

    ``boxes`` is ``[batch, num_boxes, q, 4]`` (``q`` 1: shared by all classes, or
    ``num_classes``), ``scores`` ``[batch, num_boxes, num_classes]``. Returns
    ``(nmsed_boxes [batch, max_detections, 4], nmsed_scores [batch, max_detections],
    nmsed_classes [batch, max_detections] (float32), valid_detections [batch] (int32))``,
    zero-padded; ``max_detections`` is ``max_total_size``, or with ``pad_per_class``
    ``min(max_output_size_per_class * num_classes, max_total_size)``. ``clip_boxes``
    clips the output boxes to ``[0, 1]``.

    >>> import ember
    >>> boxes = ember.constant([[[[0.0, 0.0, 0.5, 0.5]], [[0.0, 0.1, 0.5, 0.6]]]])
    >>> scores = ember.constant([[[0.9, 0.1], [0.8, 0.7]]])
    >>> out = combined_non_max_suppression(boxes, scores, 2, 3)
    >>> [round(v, 4) for v in out[1].numpy()[0].tolist()], out[2].numpy().tolist()
    ([0.9, 0.7, 0.0], [[0.0, 1.0, 0.0]])
    >>> out[3].numpy().tolist()
    [2]
    """
    op = "combined_non_max_suppression"
    boxes, scores = tensor(boxes), tensor(scores)
    bs, ss = shape_of(boxes), shape_of(scores)
    if len(bs) != 4 or bs[-1] != 4 or len(ss) != 3 or ss[:2] != bs[:2] or \
            bs[2] not in (1, ss[2]):
        raise fail(op, f"expected boxes [batch, num_boxes, q, 4] (q = 1 or num_classes) and "
                       f"scores [batch, num_boxes, num_classes]; got {bs} and {ss}")
    per_class = static_int(max_output_size_per_class, op, "max_output_size_per_class")
    total = static_int(max_total_size, op, "max_total_size")
    if per_class <= 0 or total <= 0:
        raise fail(op, f"max_output_size_per_class and max_total_size must be > 0; got "
                       f"{per_class} and {total}")
    iou = static_float(iou_threshold, op, "iou_threshold")
    floor = static_float(score_threshold, op, "score_threshold")
    batch, _, q, _ = bs
    num_classes = ss[2]
    detections = min(per_class * num_classes, total) if pad_per_class else total
    box_np = np.asarray(boxes.numpy(), dtype=np.float32)
    score_np = np.asarray(scores.numpy(), dtype=np.float32)
    out_boxes = np.zeros((batch, detections, 4), np.float32)
    out_scores = np.zeros((batch, detections), np.float32)
    out_classes = np.zeros((batch, detections), np.float32)
    valid = np.zeros((batch,), np.int32)
    for b in range(batch):
        found = []                                          # (score, class, box)
        for c in range(num_classes):
            cb = box_np[b, :, 0 if q == 1 else c]
            idx, sel = _greedy(np, lambda i, cb=cb: _iou_row(np, cb, i), score_np[b, :, c],
                               per_class, iou, floor, 0.0)
            found.extend((float(s), c, cb[i]) for i, s in zip(idx.tolist(), sel.tolist()))
        found.sort(key=lambda t: -t[0])
        found = found[:detections]
        valid[b] = len(found)
        for k, (s, c, box) in enumerate(found):
            out_boxes[b, k] = np.clip(box, 0.0, 1.0) if clip_boxes else box
            out_scores[b, k], out_classes[b, k] = s, c
    return (E.constant(out_boxes), E.constant(out_scores), E.constant(out_classes),
            E.constant(valid))


# -- drawing --------------------------------------------------------------------------------
_DEFAULT_COLORS = np.array([[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1],
                            [0.5, 0, 0.5, 1], [0.5, 0.5, 0, 1], [0.5, 0, 0, 1],
                            [0, 0, 0.5, 1], [0, 1, 1, 1], [1, 0, 1, 1]], dtype=np.float32)


def draw_bounding_boxes(images: Any, boxes: Any, colors: Any, name: str | None = None) -> Any:
    """Draw one-pixel box outlines on a batch of images (``[batch, height, width,
    depth]``, depth 1, 3 or 4). ``boxes`` is ``[batch, num_boxes, 4]`` of normalised
    ``[y_min, x_min, y_max, x_max]`` (row ``y * (height - 1)``, truncated); box ``i``
    takes colour ``colors[i % len(colors)]`` (rows of at least ``depth`` values; None:
    TensorFlow's table of ten colours). Later boxes are drawn over earlier ones;
    inverted boxes and boxes entirely outside the image are skipped. Float images keep
    their dtype, integer ones become float32.

    >>> import ember
    >>> out = draw_bounding_boxes(ember.zeros((1, 3, 3, 1)), [[[0.0, 0.0, 1.0, 1.0]]],
    ...                           [[0.5]])
    >>> out[0, ..., 0].numpy().tolist()
    [[0.5, 0.5, 0.5], [0.5, 0.0, 0.5], [0.5, 0.5, 0.5]]
    """
    op = "draw_bounding_boxes"
    x = _images(images, op, ranks=(4,), what="images")
    if not x.dtype.is_floating:
        x = E.cast(x, "float32")
    batch, height, width, depth = shape_of(x)
    if depth not in (1, 3, 4):
        raise fail(op, f"Channel depth should be either 1 (GRY), 3 (RGB), or 4 (RGBA); got "
                       f"images of shape {shape_of(x)}")
    b = tensor(boxes)
    if len(b.shape) != 3 or int(b.shape[0]) != batch or int(b.shape[2]) != 4:
        raise fail(op, f"boxes must have shape [batch = {batch}, num_boxes, 4]; got "
                       f"{shape_of(b)}")
    if colors is None:
        table = _DEFAULT_COLORS.copy()
        if depth == 1:
            table[:, 0] = 1.0
    else:
        table = np.asarray(colors.numpy() if hasattr(colors, "numpy") else colors,
                           dtype=np.float32)
        if table.ndim != 2 or table.shape[0] == 0:
            raise fail(op, f"colors must be a 2-D table [num_colors, channels]; got shape "
                           f"{table.shape}")
        if table.shape[1] < depth:
            raise fail(op, f"colors must have equal or more channels than the image "
                           f"provided; got colors of shape {table.shape} for {depth} "
                           f"channels")
    n = int(b.shape[1])
    if n == 0:
        return E.identity(x)
    coords = np.asarray(b.numpy(), dtype=np.float32)
    scale = np.array([height - 1, width - 1, height - 1, width - 1], np.float32)
    edges = np.trunc(coords * scale).astype(np.int64)         # (batch, n, 4)
    top, left, bottom, right = (edges[..., k][..., None, None] for k in range(4))
    drawn = (top <= bottom) & (left <= right) & (top < height) & (bottom >= 0) & \
        (left < width) & (right >= 0)
    rows = np.arange(height).reshape(1, 1, height, 1)
    cols = np.arange(width).reshape(1, 1, 1, width)
    in_cols = (cols >= np.maximum(left, 0)) & (cols <= np.minimum(right, width - 1))
    in_rows = (rows >= np.maximum(top, 0)) & (rows <= np.minimum(bottom, height - 1))
    mask = ((rows == top) & in_cols) | ((rows == bottom) & in_cols) | \
        ((cols == left) & in_rows) | ((cols == right) & in_rows)
    mask &= drawn                                             # (batch, n, H, W)
    order = np.arange(1, n + 1).reshape(1, n, 1, 1)
    last = np.max(np.where(mask, order, 0), axis=1)           # (batch, H, W), 0: none
    colour = table[(np.maximum(last, 1) - 1) % table.shape[0]][..., :depth]
    paint = E.constant(colour.astype(x.dtype.name))
    return E.where(E.constant((last > 0)[..., None]), paint, x)
