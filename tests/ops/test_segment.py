"""ember.ops.segment: segment reductions vs a NumPy loop, gradients vs finite differences."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, table_tests

import ember
from ember.core.errors import InvalidArgumentError
from ember.ops import segment as sg

_NP = {"sum": np.add, "prod": np.multiply, "max": np.maximum, "min": np.minimum}


def _np_segment(kind, data, ids, n):
    """One row at a time, the obvious way."""
    if kind in ("sum", "prod"):
        fill = 0 if kind == "sum" else 1
    elif data.dtype.kind == "f":
        fill = -np.inf if kind == "max" else np.inf
    else:
        info = np.iinfo(data.dtype)
        fill = info.min if kind == "max" else info.max
    out = np.full((n,) + data.shape[1:], fill, data.dtype)
    for row, s in zip(data, ids):
        if s >= 0:
            out[s] = _NP[kind](out[s], row)
    return out


IDS_GAPS = np.array([0, 2, 0, -1, 2, 2, 4])        # segments 1 and 3 empty, one row dropped
IDS_FULL = np.array([0, 2, 0, -1, 2, 1, 3, 4, 1])  # every segment of 5 non-empty

CASES = []
for _kind in ("sum", "prod", "max", "min"):
    _fn = getattr(sg, "segment_" + _kind)
    _unsorted = getattr(sg, "unsorted_segment_" + _kind)
    # values, with empty segments (identity fill) and a dropped row
    CASES.append(OpCase(f"{_kind}_gaps",
                        lambda d, f=_unsorted: f(d, ember.constant(IDS_GAPS), 5),
                        lambda d, k=_kind: _np_segment(k, d, IDS_GAPS, 5), [(7, 3)],
                        grad=_kind in ("sum", "prod")))
    # gradients where every segment is non-empty (finite outputs)
    CASES.append(OpCase(f"{_kind}_full", lambda d, f=_fn: f(d, ember.constant(IDS_FULL), 5),
                        lambda d, k=_kind: _np_segment(k, d, IDS_FULL, 5), [(9, 2)],
                        second_order=True))


def _with_zeros(rng):
    d = rng.uniform(-2, 2, (9, 2))
    d[0, 0] = 0.0             # the single zero of segment 0, column 0
    d[1, 1] = d[4, 1] = 0.0   # two zeros in segment 2, column 1
    d[6, 0] = 0.0             # a one-row segment holding zero
    return [d]


def _with_ties(rng):
    d = rng.uniform(-2, 2, (9, 2))
    d[1] = d[4] = 5.0         # segment 2 has a two-way tie for the max
    d[5] = d[8] = -5.0        # segment 1 has a two-way tie for the min
    return [d]


CASES += [
    OpCase("prod_zeros", lambda d: sg.segment_prod(d, ember.constant(IDS_FULL), 5),
           lambda d: _np_segment("prod", d, IDS_FULL, 5), [(9, 2)], make_inputs=_with_zeros,
           second_order=True),
    OpCase("max_ties", lambda d: sg.segment_max(d, ember.constant(IDS_FULL), 5),
           lambda d: _np_segment("max", d, IDS_FULL, 5), [(9, 2)], make_inputs=_with_ties,
           grad=False),
    OpCase("min_ties", lambda d: sg.segment_min(d, ember.constant(IDS_FULL), 5),
           lambda d: _np_segment("min", d, IDS_FULL, 5), [(9, 2)], make_inputs=_with_ties,
           grad=False),
    OpCase("gather", lambda v: sg.segment_gather(v, ember.constant(IDS_GAPS)),
           lambda v: np.where((IDS_GAPS >= 0)[:, None], v[np.maximum(IDS_GAPS, 0)], 0.0),
           [(5, 2)], second_order=True),
    OpCase("sum_3d", lambda d: sg.segment_sum(d, ember.constant(np.array([1, 0, 1])), 2),
           lambda d: _np_segment("sum", d, np.array([1, 0, 1]), 2), [(3, 2, 2)],
           second_order=True),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


@pytest.mark.parametrize("kind", ["max", "min"])
def test_ties_share_the_gradient(kind):
    data = ember.constant(np.array([[1.0, 5.0], [5.0, 5.0], [2.0, 0.0]]))
    ids = ember.constant(np.array([0, 0, 0]))
    fn = getattr(sg, "segment_" + kind)
    with ember.GradientTape() as tape:
        tape.watch(data)
        y = fn(data, ids, 1)
    g = tape.gradient(y, data).numpy()
    want = {"max": [[0, 0.5], [1, 0.5], [0, 0]], "min": [[1, 0], [0, 0], [0, 1]]}[kind]
    np.testing.assert_allclose(g, want)


@pytest.mark.parametrize("kind", ["sum", "prod", "max", "min"])
def test_integer_data_keeps_dtype(kind):
    data = np.array([[3, -1], [7, 2], [-4, 9]], np.int32)
    ids = np.array([1, 1, 3])
    got = getattr(sg, "unsorted_segment_" + kind)(ember.constant(data), ember.constant(ids), 4)
    assert got.dtype == ember.int32
    np.testing.assert_array_equal(got.numpy(), _np_segment(kind, data, ids, 4))


def test_num_segments_defaults_to_max_id_plus_one():
    out = sg.segment_sum(ember.constant([1.0, 2.0, 3.0]), ember.constant([0, 3, -1]))
    np.testing.assert_array_equal(out.numpy(), [1.0, 0.0, 0.0, 2.0])


def test_errors():
    data = ember.constant(np.ones((3, 2), np.float32))
    with pytest.raises(InvalidArgumentError, match="out of range for num_segments=2"):
        sg.segment_sum(data, ember.constant([0, 1, 2]), 2)
    with pytest.raises(InvalidArgumentError, match="leading dimension"):
        sg.segment_max(data, ember.constant([0, 1]), 2)
    with pytest.raises(InvalidArgumentError, match="1-D"):
        sg.segment_min(data, ember.constant([[0, 1, 0]]), 2)
    with pytest.raises(InvalidArgumentError, match="num_segments must be >= 0"):
        sg.segment_prod(data, ember.constant([0, 1, 0]), -1)
    with pytest.raises(TypeError, match="integers"):
        sg.segment_sum(data, ember.constant([0.0, 1.0, 0.0]), 2)


@settings(max_examples=20, deadline=None)
@given(rows=st.integers(1, 8), trailing=st.lists(st.integers(1, 3), max_size=2),
       n=st.integers(1, 5), kind=st.sampled_from(["sum", "prod", "max", "min"]),
       seed=st.integers(0, 2 ** 16))
def test_any_shape(rows, trailing, n, kind, seed):
    rng = np.random.default_rng(seed)
    data = rng.normal(size=[rows] + trailing)
    ids = rng.integers(-1, n, size=rows)
    got = getattr(sg, "unsorted_segment_" + kind)(ember.constant(data), ember.constant(ids), n)
    np.testing.assert_allclose(got.numpy(), _np_segment(kind, data, ids, n), rtol=1e-12)
