"""TF 2.21 parity of the low-level ops: values, dtypes, errors and gradients that a
comparison against real TensorFlow found to differ (expected values were taken from
TensorFlow, or from a NumPy reference where one exists)."""
import math

import numpy as np
import pytest

import ember
from ember.core.errors import InvalidArgumentError


def _grad(fn, *xs):
    xs = [ember.constant(np.asarray(x, np.float32)) for x in xs]
    with ember.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = fn(*xs)
    return [None if g is None else g.numpy() for g in tape.gradient(y, xs)]


# -- gradients at kinks / in unused where-branches -------------------------------------------
def test_selu_gradient_at_zero_is_scale():
    (g,) = _grad(ember.nn.selu, [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(g, [0.64676857, 1.050701, 1.050701], rtol=1e-6)


@pytest.mark.parametrize("fn", [ember.sqrt, ember.math.rsqrt, ember.math.reciprocal])
def test_zero_upstream_gradient_stays_zero(fn):
    # TF: where(x > 0.5, f(x), 0) has a zero gradient at x <= 0, not NaN
    (g,) = _grad(lambda x: ember.where(x > 0.5, fn(x), ember.zeros_like(x)), [-1.0, 0.0, 4.0])
    assert np.isfinite(g).all() and g[0] == 0 and g[1] == 0
    assert g[2] != 0


def test_sqrt_gradient_at_zero_with_nonzero_upstream_is_inf():
    (g,) = _grad(ember.sqrt, [0.0])
    assert np.isinf(g[0])


# -- values and errors -------------------------------------------------------------------------
def test_clip_by_value_min_above_max_gives_min():
    out = ember.clip_by_value([[1.0, 5.0]], 3.0, 1.0)
    np.testing.assert_array_equal(out.numpy(), [[3.0, 3.0]])


def test_add_n_rejects_mismatched_shapes():
    with pytest.raises(InvalidArgumentError, match="same shape"):
        ember.add_n([ember.ones([2, 3]), ember.ones([3])])


def test_reduction_rejects_duplicate_axes():
    with pytest.raises(InvalidArgumentError, match="twice"):
        ember.reduce_sum(ember.ones([2, 3]), axis=[1, -1])


def test_integer_division_by_zero_raises():
    with pytest.raises(InvalidArgumentError, match="division by zero"):
        ember.constant([5, 7]) // 0
    with pytest.raises(InvalidArgumentError, match="division by zero"):
        ember.math.floormod(ember.constant([5, 7]), ember.constant([1, 0]))
    assert ember.math.floordiv(ember.constant([7, -7]), 2).numpy().tolist() == [3, -4]


def test_matmul_flags_and_output_type():
    with pytest.raises(InvalidArgumentError, match="at most one"):
        ember.matmul(ember.ones([2, 2]), ember.ones([2, 2]), transpose_a=True, adjoint_a=True)
    out = ember.matmul(ember.constant([[100]], "int8"), ember.constant([[100]], "int8"),
                       output_type="int32")
    assert out.dtype == ember.int32 and out.numpy().tolist() == [[10000]]


def test_linspace_of_ints_is_float64_and_dynamic_shape_is_int32():
    assert ember.linspace(0, 10, 4).dtype == ember.float64
    out = ember.broadcast_dynamic_shape([2, 1], [1, 3])
    assert out.dtype == ember.int32 and out.numpy().tolist() == [2, 3]


def test_searchsorted_batched_rows():
    out = ember.searchsorted([[1, 3, 5], [2, 4, 6]], [[3, 4], [0, 6]], side="right")
    assert out.numpy().tolist() == [[2, 2], [0, 3]]
    with pytest.raises(InvalidArgumentError, match="leading dimensions"):
        ember.searchsorted([[1, 3, 5], [2, 4, 6]], [[3], [7], [1]])


def test_bincount_binary_output():
    out = ember.math.bincount([1, 1, 2], binary_output=True)
    assert out.dtype == ember.int32 and out.numpy().tolist() == [0, 1, 1]
    with pytest.raises(ValueError, match="mutually exclusive"):
        ember.math.bincount([1], weights=[1.0], binary_output=True)


# -- clipping ------------------------------------------------------------------------------------
def test_clip_by_norm_matches_numpy():
    b = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.float32)
    np.testing.assert_allclose(ember.clip_by_norm(b, 2.0).numpy(),
                               b * 2.0 / np.linalg.norm(b), rtol=1e-6)
    rows = np.linalg.norm(b, axis=1, keepdims=True)
    np.testing.assert_allclose(ember.clip_by_norm(b, 2.0, axes=[1]).numpy(),
                               b * 2.0 / np.maximum(rows, 2.0), rtol=1e-6)
    np.testing.assert_array_equal(ember.clip_by_norm(b, 100.0).numpy(), b)
    (g,) = _grad(lambda x: ember.clip_by_norm(x, 2.0), np.zeros(3))
    np.testing.assert_array_equal(g, [1.0, 1.0, 1.0])   # TF: finite at a zero tensor
    with pytest.raises(TypeError, match="floating point"):
        ember.clip_by_norm(ember.constant([1, 2]), 1)


def test_clip_by_global_norm():
    a, b = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32), np.array([5.0], np.float32)
    clipped, norm = ember.clip_by_global_norm([a, None, b], 3.0)
    total = math.sqrt(30 + 25)
    assert clipped[1] is None
    np.testing.assert_allclose(float(norm), total, rtol=1e-6)
    np.testing.assert_allclose(clipped[0].numpy(), a * 3.0 / total, rtol=1e-6)
    np.testing.assert_allclose(clipped[2].numpy(), b * 3.0 / total, rtol=1e-6)
    inf_clipped, _ = ember.clip_by_global_norm([np.array([np.inf, 1.0], np.float32)], 3.0)
    assert np.isnan(inf_clipped[0].numpy()).all()   # TF: a non-finite norm gives NaN
    with pytest.raises(TypeError, match="list or tuple"):
        ember.clip_by_global_norm(a, 1.0)


# -- array ops -----------------------------------------------------------------------------------
def test_sequence_mask():
    assert ember.sequence_mask([1, 3, 2], 4).numpy().astype(int).tolist() == [
        [1, 0, 0, 0], [1, 1, 1, 0], [1, 1, 0, 0]]
    out = ember.sequence_mask([[1, 3], [2, 0]])
    assert out.dtype == ember.bool and tuple(out.shape) == (2, 2, 3)
    assert ember.sequence_mask([1, 3], 4, dtype="float32").dtype == ember.float32

    @ember.function
    def traced(lengths):
        return ember.sequence_mask(lengths)
    assert tuple(traced(ember.constant([1, 2])).shape) == (2, 2)
    assert tuple(traced(ember.constant([1, 4])).shape) == (2, 4)


def test_reverse_sequence_and_gradient():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    out = ember.reverse_sequence(a, [1, 3], seq_axis=1, batch_axis=0).numpy()
    np.testing.assert_array_equal(out[0], a[0])
    np.testing.assert_array_equal(out[1], a[1, ::-1])
    out = ember.reverse_sequence(a, [4, 0, 2], seq_axis=2, batch_axis=1).numpy()
    np.testing.assert_array_equal(out[:, 0], a[:, 0, ::-1])
    np.testing.assert_array_equal(out[:, 2], a[:, 2, [1, 0, 2, 3]])
    (g,) = _grad(lambda x: ember.reverse_sequence(x, [1, 3], seq_axis=1) * ember.range(4.0), a)
    np.testing.assert_array_equal(g, np.broadcast_to(np.arange(4.0), a.shape))
    with pytest.raises(InvalidArgumentError, match="seq_lengths"):
        ember.reverse_sequence(a, [2, 5], seq_axis=1)


def test_unique_keeps_first_occurrence_order():
    y, idx = ember.unique([4, 1, 4, 2, 1])
    assert y.numpy().tolist() == [4, 1, 2] and idx.numpy().tolist() == [0, 1, 0, 2, 1]
    assert idx.dtype == ember.int32
    y, idx, count = ember.unique_with_counts([4.0, 1.0, 4.0], out_idx="int64")
    assert y.dtype == ember.float32 and idx.dtype == ember.int64
    assert count.numpy().tolist() == [2, 1]
    assert ember.unique([3, 3]).y.numpy().tolist() == [3]
    with pytest.raises(InvalidArgumentError, match="1-D"):
        ember.unique([[1, 2]])


def test_dynamic_partition_and_stitch():
    parts = ember.dynamic_partition([10, 20, 30, 40], [0, 1, 0, 2], 3)
    assert [p.numpy().tolist() for p in parts] == [[10, 30], [20], [40]]
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    parts = ember.dynamic_partition(a, [[0, 1, 0], [1, 1, 0]], 2)
    np.testing.assert_array_equal(parts[1].numpy(), a.reshape(6, 4)[[1, 3, 4]])
    with pytest.raises(InvalidArgumentError, match="outside"):
        ember.dynamic_partition([1, 2], [0, 3], 2)
    out = ember.dynamic_stitch([[0, 1], [1, 2]], [[1.0, 2.0], [3.0, 4.0]])
    assert out.numpy().tolist() == [1.0, 3.0, 4.0]         # later entries win
    gx, gy = _grad(lambda x, y: ember.dynamic_stitch([[0, 1], [1, 2]], [x, y])
                   * ember.constant([1.0, 2.0, 3.0]), [1.0, 2.0], [3.0, 4.0])
    assert gx.tolist() == [1.0, 2.0] and gy.tolist() == [2.0, 3.0]   # as TF's gathers


def test_space_to_depth_and_back():
    x = np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2)
    s2d = ember.nn.space_to_depth(x, 2).numpy()
    assert s2d[0, 0, 0].tolist() == [0, 1, 2, 3, 8, 9, 10, 11]      # TF's order
    np.testing.assert_array_equal(ember.nn.depth_to_space(s2d, 2).numpy(), x)
    nchw = ember.nn.space_to_depth(x.transpose(0, 3, 1, 2), 2, data_format="NCHW").numpy()
    np.testing.assert_array_equal(nchw, s2d.transpose(0, 3, 1, 2))
    with pytest.raises(InvalidArgumentError, match="divisible"):
        ember.nn.space_to_depth(x[:, :3], 2)


def test_space_to_batch_and_back():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    out = ember.space_to_batch(x, [2, 2], [[0, 0], [0, 0]]).numpy()
    assert out[:, :, :, 0].tolist() == [[[0, 2], [8, 10]], [[1, 3], [9, 11]],
                                        [[4, 6], [12, 14]], [[5, 7], [13, 15]]]
    back = ember.batch_to_space(out, [2, 2], [[0, 0], [0, 0]]).numpy()
    np.testing.assert_array_equal(back, x)
    y = np.arange(36, dtype=np.float32).reshape(2, 3, 3, 2)
    padded = ember.space_to_batch_nd(y, [2, 2], [[1, 0], [0, 1]])
    np.testing.assert_array_equal(
        ember.batch_to_space(padded, [2, 2], [[1, 0], [0, 1]]).numpy(), y)
    with pytest.raises(InvalidArgumentError, match="divisible"):
        ember.batch_to_space(np.zeros((3, 2, 2, 1), np.float32), [2, 2], [[0, 0], [0, 0]])


def test_unravel_index_ensure_shape_histogram():
    assert ember.unravel_index([5, 7], [3, 4]).numpy().tolist() == [[1, 1], [1, 3]]
    with pytest.raises(InvalidArgumentError, match=r"\[0, 12\)"):
        ember.unravel_index([12], [3, 4])
    x = ember.zeros([2, 3, 4])
    assert tuple(ember.ensure_shape(x, [2, None, 4]).shape) == (2, 3, 4)
    with pytest.raises(InvalidArgumentError, match="not compatible"):
        ember.ensure_shape(x, [2, 3])
    h = ember.histogram_fixed_width([-1.0, 0.0, 1.5, 2.0, 5.0, 15], [0.0, 5.0], nbins=5)
    assert h.dtype == ember.int32 and h.numpy().tolist() == [2, 1, 1, 0, 2]


def test_tensor_scatter_nd_sub_set_diag_tensor_diag():
    out = ember.tensor_scatter_nd_sub([1, 2, 3], [[0], [0]], [5, 1])
    assert out.numpy().tolist() == [-5, 2, 3]
    d = ember.linalg.set_diag(ember.ones([3, 3]), [7.0, 8.0], k=-1).numpy()
    assert d.tolist() == [[1, 1, 1], [7, 1, 1], [1, 8, 1]]
    with pytest.raises(InvalidArgumentError, match="diagonal must have shape"):
        ember.linalg.set_diag(ember.zeros([2, 3]), [1.0, 2.0, 3.0])
    t = ember.linalg.tensor_diag([[1, 2], [3, 4]])
    assert tuple(t.shape) == (2, 2, 2, 2) and int(t[1, 0, 1, 0]) == 3
    assert ember.linalg.tensor_diag_part(t).numpy().tolist() == [[1, 2], [3, 4]]


# -- segments ------------------------------------------------------------------------------------
def test_segment_empty_segments_and_nd_ids():
    data = np.array([1.0, 2.0], np.float32)
    assert ember.math.segment_max(data, [0, 2]).numpy().tolist() == [1.0, 0.0, 2.0]
    out = ember.math.unsorted_segment_max(data, [0, 0], 2).numpy()
    assert out[1] == -np.inf       # Ember's identity (TF: the lowest finite float)
    b = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.float32)
    ids = [[0, 1, 0], [1, 1, 2]]
    assert ember.math.unsorted_segment_sum(b, ids, 3).numpy().tolist() == [4.0, 11.0, 6.0]
    np.testing.assert_allclose(ember.math.unsorted_segment_mean(b, ids, 3).numpy(),
                               [2.0, 11.0 / 3, 6.0], rtol=1e-6)
    np.testing.assert_allclose(
        ember.math.unsorted_segment_sqrt_n(np.array([1.0, 2.0, 3.0], np.float32),
                                           [1, 0, 1], 3).numpy(),
        [2.0, 4.0 / math.sqrt(2), 0.0], rtol=1e-6)
    assert ember.math.segment_mean(b, [0, 0]).numpy().tolist() == [[2.5, 3.5, 4.5]]


# -- math ----------------------------------------------------------------------------------------
def test_lgamma_digamma():
    v = np.array([0.1, 0.5, 1.0, 2.5, 7.3, 30.0, 200.0, -0.3, -1.7, -3.5], np.float64)
    np.testing.assert_allclose(ember.math.lgamma(v).numpy(), [math.lgamma(t) for t in v],
                               rtol=1e-12, atol=1e-13)
    # digamma by central differences of math.lgamma
    h = 1e-6
    ref = [(math.lgamma(t + h) - math.lgamma(t - h)) / (2 * h) for t in v]
    np.testing.assert_allclose(ember.math.digamma(v).numpy(), ref, rtol=1e-6, atol=1e-6)
    edge = ember.math.lgamma([0.0, -2.0, np.inf]).numpy()
    assert np.isinf(edge).all()
    assert np.isnan(ember.math.digamma([0.0, -2.0]).numpy()).all()
    (g,) = _grad(ember.math.lgamma, [2.5])
    np.testing.assert_allclose(g, ember.math.digamma([2.5]).numpy(), rtol=1e-6)
    (g,) = _grad(ember.math.digamma, [2.5])     # trigamma(2.5) = pi^2/2 - 4 - 4/9
    np.testing.assert_allclose(g, [math.pi ** 2 / 2 - 4 - 4 / 9], rtol=1e-5)


def test_math_extras():
    assert ember.math.rint([0.5, 1.5, 2.5, -0.5]).numpy().tolist() == [0.0, 2.0, 2.0, -0.0]
    assert ember.math.xdivy([0.0, 1.0], [0.0, 2.0]).numpy().tolist() == [0.0, 0.5]
    b = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.float32)
    ref = np.log(np.cumsum(np.exp(b)[:, ::-1], axis=1)[:, ::-1])
    ref = np.concatenate([ref[:, 1:], np.full((2, 1), -np.inf)], axis=1)
    np.testing.assert_allclose(
        ember.math.cumulative_logsumexp(b, axis=1, exclusive=True, reverse=True).numpy(),
        ref, rtol=1e-6)
    np.testing.assert_allclose(ember.math.cumulative_logsumexp([1000.0, 1000.0]).numpy(),
                               [1000.0, 1000.0 + math.log(2)], rtol=1e-6)
    assert ember.math.polyval([1.0, 2.0, 3.0], ember.constant(2.0)).numpy() == 11.0
    c = ember.complex(ember.constant([3.0]), ember.constant([4.0]))
    assert c.dtype == ember.complex64 and float(ember.abs(c)[0]) == 5.0
    with pytest.raises(TypeError, match="float32"):
        ember.complex(ember.constant([1.0]), ember.constant([1.0], "float64"))
    assert ember.math.confusion_matrix([1, 2], [2, 2], num_classes=3, weights=[1.0, 2.0],
                                       dtype="float32").numpy().tolist() == [
        [0, 0, 0], [0, 0, 1], [0, 0, 2]]
    assert ember.math.invert_permutation([3, 4, 0, 2, 1]).numpy().tolist() == [2, 4, 3, 0, 1]
    assert bool(ember.math.is_non_decreasing([1, 2, 2]))
    assert not bool(ember.math.is_strictly_increasing([1, 2, 2]))
    np.testing.assert_allclose(ember.math.angle(ember.constant([1 + 1j, -1], "complex64")),
                               [math.pi / 4, math.pi], rtol=1e-6)
    assert float(ember.math.zero_fraction([0.0, 1.0, 0.0, 2.0])) == 0.5


# -- nn ------------------------------------------------------------------------------------------
def test_nn_extras():
    m, v = ember.nn.weighted_moments([1.0, 3.0], [0], [1.0, 3.0])
    assert (float(m), float(v)) == (2.5, 0.75)
    loss = ember.nn.log_poisson_loss([0.0, 0.5, 2.0], [0.5, 1.0, 2.0], compute_full_loss=True)
    z, li = np.array([0.0, 0.5, 2.0]), np.array([0.5, 1.0, 2.0])
    ref = np.exp(li) - li * z
    ref[2] += 2 * math.log(2) - 2 + 0.5 * math.log(4 * math.pi)
    np.testing.assert_allclose(loss.numpy(), ref, rtol=1e-6)
    assert float(ember.nn.compute_average_loss([1.0, 2.0, 3.0], global_batch_size=6)) == 1.0
    assert float(ember.nn.compute_average_loss([[1.0, 2.0], [3.0, 4.0]],
                                               sample_weight=[[1.0], [0.5]])) == 3.25
    assert float(ember.nn.scale_regularization_loss([2.0, 3.0])) == 5.0
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 2, 2, 5)).astype(np.float32)
    out = ember.nn.local_response_normalization(x, depth_radius=1, bias=2.0, alpha=0.5,
                                                beta=0.75).numpy()
    sq = np.pad(x * x, [(0, 0)] * 3 + [(1, 1)])
    total = sq[..., :5] + sq[..., 1:6] + sq[..., 2:7]
    np.testing.assert_allclose(out, x / (2.0 + 0.5 * total) ** 0.75, rtol=1e-5)
    k = rng.normal(size=(3, 3, 5, 2)).astype(np.float32)
    np.testing.assert_allclose(ember.nn.atrous_conv2d(x, k, 2, "SAME").numpy(),
                               ember.nn.conv2d(x, k, 1, "SAME", dilations=2).numpy())


def test_sigmoid_of_complex_values():
    z = np.array([0.5 + 1j, -2 - 0.5j])
    np.testing.assert_allclose(ember.sigmoid(ember.constant(z)).numpy(), 1 / (1 + np.exp(-z)),
                               rtol=1e-12)
